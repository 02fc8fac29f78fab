import { z } from 'zod';
import { closedObject } from './closed-object.js';
import type { UnitSystem } from './unit-conversion.js';

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

const correction = z.enum(CORRECTION_STANDARDS).default('sae');
const xAxis = z.enum(CURVE_X_AXES).default('rpm');
const units = z.enum(['imperial', 'metric']).optional();

/**
 * The compare query (strings, as a URL carries them): `ids` is a comma-separated list, the first the baseline. `ids`
 * is checked after the object, so an unknown parameter is named first (the one input rule's message).
 */
export const runsCompareQuerySchema = closedObject({
  ids: z
    .string()
    .transform((s) => s.split(',').map((id) => id.trim()))
    .pipe(z.array(runId).min(1).max(MAX_COMPARE_RUNS))
    .optional(),
  correction,
  smoothing: smoothing.default(0),
  x: xAxis,
  units,
}).transform((q, ctx) => {
  if (q.ids === undefined) {
    ctx.addIssue({
      code: 'custom',
      path: ['ids'],
      message: `required: 1–${MAX_COMPARE_RUNS} run ids, comma-separated`,
    });
    return z.NEVER;
  }
  return { ...q, ids: q.ids };
});
export type RunsCompareQuery = z.infer<typeof runsCompareQuerySchema>;

/** `GET /api/runs/:id/curves`, `/curves.csv` and `/sheet`: one run under a correction and smoothing. */
export const runCurvesQuerySchema = closedObject({ correction, smoothing: smoothing.default(0), x: xAxis, units });
export type RunCurvesQuery = z.input<typeof runCurvesQuerySchema>;

/** `POST /api/runs/import` (the body is the CSV itself): the new run's name. */
export const runImportQuerySchema = closedObject({ name: z.string().trim().min(1).max(120).optional() });

// What the analysis routes answer (the hub's curves core produces these shapes; its router checks it at compile time).

export type MixtureQuantity = 'afr_front' | 'afr_rear' | 'lambda_front' | 'lambda_rear';

/** Binned curves in display units, power and torque corrected; bins without points are absent. */
export interface CurveSetView {
  /** Bin centres (k × binWidth), ascending. */
  x: number[];
  count: number[];
  rpm: number[];
  power: number[];
  torque: number[];
  mixture: Partial<Record<MixtureQuantity, number[]>>;
}

export interface PeakView {
  value: number;
  x: number;
  rpm: number;
}

export interface CurvePeaksView {
  power: PeakView | null;
  torque: PeakView | null;
}

export interface RunCurvesView {
  x: CurveXAxis;
  binWidth: number;
  smoothing: number;
  units: { system: UnitSystem; power: string; torque: string; speed: string };
  correction: {
    standard: CorrectionStandard;
    label: string;
    factor: number;
    inputs: { tempC: number; pressureKpa: number; humidityPct: number; vaporKpa: number; formulaPressureKpa: number };
    reference: { tempC: number; pressureKpa: number; dryAir: boolean } | null;
  };
  /** The air the factor came from: per field `run` (the probe) or `default`, or `given` by the operator. */
  atmosphere: { tempC: number; pressureKpa: number; humidityPct: number } & (
    | { sources: Record<string, 'run' | 'default'>; defaulted: boolean; notes: string[] }
    | { sources: 'given' }
  );
  curves: CurveSetView;
  raw: CurveSetView;
  peaks: { smoothed: CurvePeaksView; raw: CurvePeaksView };
  /** Which channel each figure came from. */
  sources: Record<string, string>;
}

/** How the run file was read: datagrams, samples kept, and what was dropped (bad frames, over the caps). */
export interface RunReadCounts {
  datagrams: number;
  samples: number;
  badDatagrams: number;
  droppedSamples: number;
  droppedChannels: number;
}

/** `GET /api/runs/:id/curves`: also the pull's raw points (corrected, display units). */
export interface RunCurvesAnswer {
  success: true;
  id: string;
  name: string;
  curves: RunCurvesView & {
    points: { tMs: number[]; rpm: number[]; speed: number[] | null; power: number[]; torque: number[] };
  };
  read: RunReadCounts;
}

export interface PeakDeltaView {
  value: number;
  rpm: number;
}

/** A run's difference to the first (display units): per grid bin (null where either has no bin) and at the peaks. */
export interface RunDeltaView {
  id: string;
  power: (number | null)[];
  torque: (number | null)[];
  peakPower: PeakDeltaView | null;
  peakTorque: PeakDeltaView | null;
}

/** `GET /api/runs/compare`: every run on one grid (null where a run has no bin) and each one's Δ to the first. */
export interface RunComparisonAnswer {
  success: true;
  x: number[];
  runs: { id: string; name: string; curves: RunCurvesView; power: (number | null)[]; torque: (number | null)[] }[];
  deltas: RunDeltaView[];
}

/** `POST /api/runs/import`: the new run (its id names it in the library) and what the CSV held. */
export interface RunImportAnswer {
  success: true;
  id: string;
  name: string;
  format: 'jetdrive-hub' | 'generic';
  counts: { bytes: number; rows: number; columns: number; blankCells: number };
}
