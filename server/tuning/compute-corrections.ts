import type { CellBins, CylinderBins } from './cell-bins.js';
import type { TuningOptions } from './tuning-options.js';
import { GRID_CELLS, type GridTable } from './ve-grid.js';

export interface Corrections {
  /** VE multipliers per cell, front cylinder (1 where nothing is corrected). */
  front: GridTable;
  /** VE multipliers per cell, rear cylinder: its own measurement, not a copy of the front's. */
  rear: GridTable;
  /** Cells where either cylinder's multiplier differs from 1. */
  cellsCorrected: number;
  /** Largest and mean |applied correction| in percent over the applied corrections of both cylinders (0 if none). */
  maxCorrectionPct: number;
  meanCorrectionPct: number;
  /** Cells whose raw correction exceeded the clamp. */
  cellsClamped: number;
}

type Opts = Pick<TuningOptions, 'minHits' | 'maxCorrectionPct' | 'correctionDeadbandPct'>;

/**
 * VE correction = mean(measured AFR / target AFR) per cell: a lean cell (measured > target) needs proportionally
 * more VE in the ECU table. Applied only where hits ≥ minHits, clamped to ±maxCorrectionPct per iteration, and
 * dropped below the deadband.
 */
export function computeCorrections(bins: CellBins, opts: Opts): Corrections {
  const front = new Float64Array(GRID_CELLS).fill(1);
  const rear = new Float64Array(GRID_CELLS).fill(1);
  const lim = opts.maxCorrectionPct / 100;
  let cellsCorrected = 0;
  let cellsClamped = 0;
  let applied = 0;
  let sumPct = 0;
  let maxPct = 0;
  const one = (cyl: CylinderBins, out: GridTable, cell: number, n: number): boolean => {
    const raw = cyl.ratioSum[cell] / n;
    const clamped = Math.min(1 + lim, Math.max(1 - lim, raw));
    if (clamped !== raw) cellsClamped++;
    const pct = Math.abs(clamped - 1) * 100;
    if (pct < opts.correctionDeadbandPct) return false;
    out[cell] = clamped;
    applied++;
    sumPct += pct;
    if (pct > maxPct) maxPct = pct;
    return true;
  };
  for (let cell = 0; cell < GRID_CELLS; cell++) {
    const n = bins.hits[cell];
    if (n < opts.minHits) continue;
    const f = one(bins.front, front, cell, n);
    const r = one(bins.rear, rear, cell, n);
    if (f || r) cellsCorrected++;
  }
  return {
    front,
    rear,
    cellsCorrected,
    maxCorrectionPct: maxPct,
    meanCorrectionPct: applied === 0 ? 0 : sumPct / applied,
    cellsClamped,
  };
}
