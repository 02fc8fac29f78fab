import { GRID_CELLS, type GridTable } from './ve-grid.js';

/** Mean signed % difference of `ve` from `reference` over all cells (negative = the table is low = lean). */
export function veErrorPct(ve: GridTable, reference: GridTable): number {
  let sum = 0;
  for (let i = 0; i < GRID_CELLS; i++) sum += ve[i] / reference[i] - 1;
  return (sum / GRID_CELLS) * 100;
}
