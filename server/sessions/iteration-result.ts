import type { IterationResult } from '@jetdrive-hub/client/contract';
import type { AfrErrorMetrics } from '../tuning/afr-error-metrics.js';
import type { Corrections } from '../tuning/compute-corrections.js';
import { GRID_CELLS, type GridTable } from '../tuning/ve-grid.js';
import type { PullTotals } from './pull-iteration.js';

const r3 = (v: number): number => Math.round(v * 1000) / 1000;
export const r2 = (v: number): number => Math.round(v * 100) / 100;

/** Mean relative change of a table against its start, %. */
function meanChangePct(now: GridTable, start: GridTable): number {
  let s = 0;
  for (let i = 0; i < GRID_CELLS; i++) s += now[i] / start[i] - 1;
  return (s / GRID_CELLS) * 100;
}

export interface IterationFigures {
  iteration: number;
  now: number;
  metrics: AfrErrorMetrics;
  corrections: Corrections;
  converged: boolean;
  totals: PullTotals;
  /** Mean VE error of both tables against the reference, % (after this iteration's corrections). */
  veErrorPct: number;
  ve: { front: GridTable; rear: GridTable };
  start: { front: GridTable; rear: GridTable };
}

/** The rounded figures of one iteration, as the session's `iteration` event carries them (a converged one corrects nothing). */
export function iterationResult(f: IterationFigures): IterationResult {
  const { metrics: m, corrections: corr, converged, totals } = f;
  return {
    iteration: f.iteration,
    timestamp: new Date(f.now).toISOString(),
    max_afr_error: r3(m.maxAfrError),
    mean_afr_error: r3(m.meanAfrError),
    rms_afr_error: r3(m.rmsAfrError),
    max_ve_correction_pct: converged ? 0 : r2(corr.maxCorrectionPct),
    mean_ve_correction_pct: converged ? 0 : r2(corr.meanCorrectionPct),
    cells_corrected: converged ? 0 : corr.cellsCorrected,
    cells_converged: m.cellsConverged,
    converged,
    peak_hp: r2(totals.peakHp),
    peak_tq: r2(totals.peakTq),
    coverage_pct: r2(m.coveragePct),
    cells_judged: m.cellsJudged,
    samples: totals.bins.total - totals.bins.dropped,
    ve_error_pct: r2(f.veErrorPct),
    ve_change_pct: r2((meanChangePct(f.ve.front, f.start.front) + meanChangePct(f.ve.rear, f.start.rear)) / 2),
  };
}
