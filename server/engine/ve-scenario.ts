import { createBaselineVeTable, type GridTable, VE_MAX, VE_MIN } from '../tuning/ve-grid.js';
import { createPrng } from './prng.js';
import type { VeScenario } from './types.js';

export interface VeScenarioOptions {
  scenario: VeScenario;
  /** Mean cell error, % (custom; lean and rich use −10 / +10 unless given). */
  errorPct?: number;
  /** Standard deviation of the cell error, % (default 5; perfect ignores it). */
  errorStd?: number;
  /** Default 42, as the older system. */
  seed?: number;
  /** The table the error is applied to; default the baseline VE table. */
  baseline?: GridTable;
}

export const DEFAULT_VE_SCENARIO_ERROR: Readonly<Record<VeScenario, { errorPct: number; errorStd: number }>> =
  Object.freeze({
    perfect: { errorPct: 0, errorStd: 0 },
    lean: { errorPct: -10, errorStd: 5 },
    rich: { errorPct: 10, errorStd: 5 },
    custom: { errorPct: 0, errorStd: 5 },
  });

/**
 * A starting ECU VE table: baseline · (1 + N(mean, std)/100) per cell, clipped to [VE_MIN, VE_MAX], seeded.
 * A table below the engine's real VE under-fuels it, so "lean" has a negative mean and reads lean.
 */
export function createScenarioVeTable(options: VeScenarioOptions): GridTable {
  const base = options.baseline ?? createBaselineVeTable();
  const out = new Float64Array(base);
  if (options.scenario === 'perfect') return out;
  const defaults = DEFAULT_VE_SCENARIO_ERROR[options.scenario];
  if (!defaults) throw new RangeError(`scenario: unknown VE scenario "${options.scenario}"`);
  const mean = options.errorPct ?? defaults.errorPct;
  const std = options.errorStd ?? defaults.errorStd;
  if (!Number.isFinite(mean) || !Number.isFinite(std) || std < 0) {
    throw new RangeError(`errorPct ${mean} / errorStd ${std}: expected finite numbers, std ≥ 0`);
  }
  const rng = createPrng(options.seed ?? 42);
  for (let i = 0; i < out.length; i++) {
    const v = base[i] * (1 + rng.gaussian(mean, std) / 100);
    out[i] = Math.min(VE_MAX, Math.max(VE_MIN, v));
  }
  return out;
}
