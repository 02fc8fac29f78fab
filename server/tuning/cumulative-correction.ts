import { GRID_CELLS, type GridTable } from './ve-grid.js';

/**
 * The VE correction a series of iterations applied, percent per cell: (Π factorᵢ − 1) × 100 over each iteration's
 * correction factors (applyCorrections multiplies the table by them, so they compound; summing percents would
 * overstate a +10 % then −10 % pair as 0 % when the table ended 1 % lower). The VE_MIN/VE_MAX clamp is not
 * included: this is what tuning asked for, which equals the table's change wherever the clamp did not bite.
 * No factors (e.g. a session that converged at once) is 0 % everywhere.
 */
export function cumulativeCorrectionPct(factors: readonly GridTable[]): GridTable {
  const out = new Float64Array(GRID_CELLS).fill(1);
  for (const table of factors) for (let i = 0; i < GRID_CELLS; i++) out[i] *= table[i];
  for (let i = 0; i < GRID_CELLS; i++) out[i] = (out[i] - 1) * 100;
  return out;
}
