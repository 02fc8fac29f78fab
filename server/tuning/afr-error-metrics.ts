import type { CellBins } from './cell-bins.js';
import type { TuningOptions } from './tuning-options.js';
import { GRID_CELLS } from './ve-grid.js';

export interface AfrErrorMetrics {
  /** Largest |mean AFR error| of a judged cell, over both cylinders (AFR points). */
  maxAfrError: number;
  /** Mean over judged cells of (|front| + |rear|) / 2. */
  meanAfrError: number;
  /** √(mean over judged cells of (front² + rear²) / 2). */
  rmsAfrError: number;
  /** Cells with at least one sample. */
  cellsHit: number;
  /** Cells with ≥ minHits samples: the ones that are judged and corrected. */
  cellsJudged: number;
  /** Judged cells whose |mean AFR error| is below the threshold on both cylinders. */
  cellsConverged: number;
  /** cellsHit / 99 in percent. */
  coveragePct: number;
}

/**
 * Errors are per-cell means, not per-sample extremes: a single noisy sample (sensor σ ≈ 0.05–0.12 AFR) must not
 * decide convergence, and cells with fewer than minHits samples are neither corrected nor judged (they could never
 * improve, so judging them would stall convergence forever).
 */
export function afrErrorMetrics(
  bins: CellBins,
  opts: Pick<TuningOptions, 'minHits' | 'thresholdAfr'>,
): AfrErrorMetrics {
  let cellsHit = 0;
  let cellsJudged = 0;
  let cellsConverged = 0;
  let max = 0;
  let sumAbs = 0;
  let sumSq = 0;
  for (let cell = 0; cell < GRID_CELLS; cell++) {
    const n = bins.hits[cell];
    if (n === 0) continue;
    cellsHit++;
    if (n < opts.minHits) continue;
    cellsJudged++;
    const f = Math.abs(bins.front.errSum[cell] / n);
    const r = Math.abs(bins.rear.errSum[cell] / n);
    const worst = Math.max(f, r);
    if (worst > max) max = worst;
    if (worst < opts.thresholdAfr) cellsConverged++;
    sumAbs += (f + r) / 2;
    sumSq += (f * f + r * r) / 2;
  }
  return {
    maxAfrError: max,
    meanAfrError: cellsJudged === 0 ? 0 : sumAbs / cellsJudged,
    rmsAfrError: cellsJudged === 0 ? 0 : Math.sqrt(sumSq / cellsJudged),
    cellsHit,
    cellsJudged,
    cellsConverged,
    coveragePct: (cellsHit / GRID_CELLS) * 100,
  };
}
