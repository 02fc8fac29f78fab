import { z } from 'zod';

// Run analysis on the wire: the correction standards, smoothing levels and x axes a client may ask for, and the
// query of `GET /api/runs/compare?ids=a,b,c&correction=sae&smoothing=2&x=rpm`. The hub's analysis core
// (server/curves/) takes its lists from here, so a client and the hub never disagree on them.

/** SAE J1349, STD (SAE J607), DIN 70020, EEC 80/1269, uncorrected. */
export const CORRECTION_STANDARDS = ['sae', 'std', 'din', 'eec', 'none'] as const;
export type CorrectionStandard = (typeof CORRECTION_STANDARDS)[number];

/** Smoothing levels 0 (raw) to MAX_SMOOTHING. */
export const MAX_SMOOTHING = 5;

export const CURVE_X_AXES = ['rpm', 'speed'] as const;
export type CurveXAxis = (typeof CURVE_X_AXES)[number];

/** Runs one comparison overlays at most. */
export const MAX_COMPARE_RUNS = 8;

/** A run id as it may stand in a path: letters, digits, `_`, `-`, `.` (not only dots). */
const runId = z
  .string()
  .min(1)
  .max(64)
  .regex(/^(?!\.+$)[A-Za-z0-9_.-]+$/, 'a run id is letters, digits, "_", "-" and "."');

const smoothing = z.coerce.number().int().min(0).max(MAX_SMOOTHING);

/** The compare query (strings, as a URL carries them): `ids` is a comma-separated list, the first the baseline. */
export const runsCompareQuerySchema = z.strictObject({
  ids: z
    .string()
    .transform((s) => s.split(',').map((id) => id.trim()))
    .pipe(z.array(runId).min(1).max(MAX_COMPARE_RUNS)),
  correction: z.enum(CORRECTION_STANDARDS).default('sae'),
  smoothing: smoothing.default(0),
  x: z.enum(CURVE_X_AXES).default('rpm'),
  units: z.enum(['imperial', 'metric']).optional(),
});
export type RunsCompareQuery = z.infer<typeof runsCompareQuerySchema>;
