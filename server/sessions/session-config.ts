import { z } from 'zod';
import type { SessionStartInput } from '../../client-sdk/src/session-types.js';
import { PROFILE_IDS } from '../engine/engine-profiles.js';
import type { EngineProfileId } from '../engine/types.js';
import { DEFAULT_TUNING_OPTIONS, type TuningOptions } from '../tuning/tuning-options.js';
import { SessionError } from './session-error.js';

export const VE_SCENARIOS = ['perfect', 'lean', 'rich', 'custom'] as const;

/**
 * The older POST /start body (all fields optional, defaults as the older system had them) plus `seed`. Strict: a
 * misspelt field (`max_iteration`) would otherwise be dropped silently and the session run with the default.
 */
export const sessionStartSchema = z.strictObject({
  engine_profile: z.enum(PROFILE_IDS as [EngineProfileId, ...EngineProfileId[]]).default('m8_114'),
  base_ve_scenario: z.enum(VE_SCENARIOS).default('lean'),
  /** Used by `custom` only; lean is N(−10, 5) % and rich N(+10, 5) %, as before. */
  base_ve_error_pct: z.number().min(-50).max(50).default(-10),
  base_ve_error_std: z.number().min(0).max(25).default(5),
  max_iterations: z.number().int().min(1).max(50).default(10),
  convergence_threshold_afr: z.number().gt(0).max(3).default(0.3),
  convergence_cell_pct: z.number().min(0).max(100).default(90),
  max_correction_per_iteration_pct: z.number().gt(0).max(50).default(15),
  oscillation_detection_enabled: z.boolean().default(true),
  barometric_pressure_inhg: z.number().min(20).max(32).default(29.92),
  ambient_temp_f: z.number().min(-20).max(130).default(75),
  seed: z.number().int().min(0).max(0xffff_ffff).default(42),
});

const KNOWN_FIELDS = Object.keys(sessionStartSchema.shape).join(', ');

export type SessionConfig = z.output<typeof sessionStartSchema> & Required<SessionStartInput>;

export interface ConfigIssue {
  field: string;
  message: string;
}

/**
 * Validates a start body. Throws SessionError('VALIDATION_FAILED') whose message names the first failing field
 * ("engine_profile: …") and whose details list every issue. A missing or null body means "all defaults".
 */
export function parseSessionConfig(input: unknown): SessionConfig {
  const parsed = sessionStartSchema.safeParse(input ?? {});
  if (parsed.success) return parsed.data;
  const issues: ConfigIssue[] = parsed.error.issues.flatMap((i): ConfigIssue[] => {
    if (i.code === 'unrecognized_keys') {
      return i.keys.map((key) => ({
        field: key.slice(0, 64),
        message: `unknown field; the fields are ${KNOWN_FIELDS}`,
      }));
    }
    return [{ field: i.path.length > 0 ? i.path.join('.') : '(body)', message: i.message }];
  });
  const first = issues[0];
  throw new SessionError('VALIDATION_FAILED', `${first.field}: ${first.message}`, { field: first.field, issues });
}

export function tuningOptionsOf(config: SessionConfig): TuningOptions {
  return {
    ...DEFAULT_TUNING_OPTIONS,
    thresholdAfr: config.convergence_threshold_afr,
    convergenceCellPct: config.convergence_cell_pct,
    maxCorrectionPct: config.max_correction_per_iteration_pct,
  };
}
