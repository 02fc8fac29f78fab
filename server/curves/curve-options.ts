import { CURVE_X_AXES, type CurveXAxis, type UnitSystem } from '@jetdrive-hub/client/contract';
import { type CorrectionStandard, isCorrectionStandard } from './correction-standards.js';
import { CurvesError } from './curves-error.js';
import { assertSmoothing } from './smooth-curve.js';
import type { Atmosphere } from './types.js';

export { CURVE_X_AXES, type CurveXAxis };

export interface CurveOptions {
  /** Default 'sae'. */
  correction?: CorrectionStandard;
  /** 0 (raw) – 5. Default 0. */
  smoothing?: number;
  /** Default 'rpm'. */
  x?: CurveXAxis;
  /** Bin width in x's display unit: default 50 rpm, or 1 mph / km/h. */
  binWidth?: number;
  /** Default 'imperial' (hp, ft·lb, mph). */
  units?: UnitSystem;
  /** The air to correct against instead of the run's probe (an operator's reading). */
  atmosphere?: Atmosphere;
}

export type ResolvedCurveOptions = Required<Omit<CurveOptions, 'atmosphere'>> & { atmosphere: Atmosphere | null };

export const DEFAULT_RPM_BIN = 50;
export const DEFAULT_SPEED_BIN = 1;
/** Bin widths beyond these make curves of one or two bins, or of one bin per sample: a typo, not a choice. */
const BIN_LIMITS: Readonly<Record<CurveXAxis, { min: number; max: number }>> = {
  rpm: { min: 1, max: 1000 },
  speed: { min: 0.1, max: 20 },
};

function invalid(field: string, message: string): CurvesError {
  return new CurvesError('INVALID_OPTION', `${field}: ${message}`, { field });
}

/** Fills the defaults and refuses an option out of range, naming it. */
export function resolveCurveOptions(o: CurveOptions = {}): ResolvedCurveOptions {
  const correction = o.correction ?? 'sae';
  if (!isCorrectionStandard(correction))
    throw invalid('correction', `must be sae, std, din, eec or none, got ${correction}`);
  const x = o.x ?? 'rpm';
  if (!(CURVE_X_AXES as readonly string[]).includes(x)) throw invalid('x', `must be rpm or speed, got ${x}`);
  const smoothing = o.smoothing ?? 0;
  assertSmoothing(smoothing);
  const units = o.units ?? 'imperial';
  if (units !== 'imperial' && units !== 'metric') throw invalid('units', `must be imperial or metric, got ${units}`);
  const binWidth = o.binWidth ?? (x === 'rpm' ? DEFAULT_RPM_BIN : DEFAULT_SPEED_BIN);
  const { min, max } = BIN_LIMITS[x];
  if (!(binWidth >= min && binWidth <= max))
    throw invalid('binWidth', `must be ${min}–${max} for x=${x}, got ${binWidth}`);
  return { correction, x, smoothing, units, binWidth, atmosphere: o.atmosphere ?? null };
}
