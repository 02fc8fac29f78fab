import { GRID_CELLS, type GridTable, VE_MAX, VE_MIN } from './ve-grid.js';

/** A new VE table = ve × correction per cell, kept in [VE_MIN, VE_MAX] (0.3–1.5). The input is not modified. */
export function applyCorrections(ve: GridTable, correction: GridTable): GridTable {
  const out = new Float64Array(GRID_CELLS);
  for (let i = 0; i < GRID_CELLS; i++) out[i] = Math.min(VE_MAX, Math.max(VE_MIN, ve[i] * correction[i]));
  return out;
}
