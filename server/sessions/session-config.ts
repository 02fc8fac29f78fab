import {
  type EngineProfileId as ContractProfileId,
  describeZodError,
  type SessionStartConfig,
  sessionStartSchema,
} from '@jetdrive-hub/client/contract';
import type { EngineProfileId } from '../engine/types.js';
import { DEFAULT_TUNING_OPTIONS, type TuningOptions } from '../tuning/tuning-options.js';
import { SessionError } from './session-error.js';

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
/** Does not compile when the contract's engine profile list and the simulator's profile table differ. */
export const PROFILES_AGREE: Same<ContractProfileId, EngineProfileId> = true;

export type SessionConfig = SessionStartConfig;

/** How a start body's fields are named in errors: by their own names, the body itself as "(body)". */
export const START_FIELDS = { root: '(body)' } as const;

/**
 * Validates a start body with the contract's schema. Throws SessionError('VALIDATION_FAILED') whose message names
 * the first failing field ("engine_profile: …"), whose field is that field and whose details list every issue. A
 * missing or null body means "all defaults".
 */
export function parseSessionConfig(input: unknown): SessionConfig {
  const parsed = sessionStartSchema.safeParse(input ?? {});
  if (parsed.success) return parsed.data;
  const described = describeZodError(parsed.error, START_FIELDS);
  throw new SessionError(
    'VALIDATION_FAILED',
    described.message,
    { field: described.field, issues: described.issues },
    described.field,
  );
}

export function tuningOptionsOf(config: SessionConfig): TuningOptions {
  return {
    ...DEFAULT_TUNING_OPTIONS,
    thresholdAfr: config.convergence_threshold_afr,
    convergenceCellPct: config.convergence_cell_pct,
    maxCorrectionPct: config.max_correction_per_iteration_pct,
  };
}
