import type { AfrErrorMetrics } from './afr-error-metrics.js';
import type { TuningOptions } from './tuning-options.js';

/**
 * The convergence rule: converged ⇔ cellsJudged > 0
 *   ∧ maxAfrError < thresholdAfr
 *   ∧ cellsConverged ≥ convergenceCellPct % of cellsJudged (the cells hit ≥ minHits times).
 * Unhit cells never count (the older code counted all 99 cells, so unmeasured cells were "converged").
 * Note: the max is taken over the same judged cells, so whenever the first clause holds every judged cell is within
 * the threshold and the second holds too; the share clause is kept because the older API accepts
 * convergence_cell_pct, and cells_converged / cells judged is still reported per iteration as progress.
 */
export function isConverged(
  m: AfrErrorMetrics,
  opts: Pick<TuningOptions, 'thresholdAfr' | 'convergenceCellPct'>,
): boolean {
  if (m.cellsJudged === 0) return false;
  return m.maxAfrError < opts.thresholdAfr && (m.cellsConverged / m.cellsJudged) * 100 >= opts.convergenceCellPct;
}

/**
 * The oscillation rule: the max AFR error rose by more than `oscillationRiseAfr` in each of the last two iterations
 * (needs three results: e[n-2] → e[n-1] → e[n], both steps rising by more than the margin).
 */
export function isOscillating(maxErrors: readonly number[], opts: Pick<TuningOptions, 'oscillationRiseAfr'>): boolean {
  const n = maxErrors.length;
  if (n < 3) return false;
  const rise = opts.oscillationRiseAfr;
  return maxErrors[n - 1] - maxErrors[n - 2] > rise && maxErrors[n - 2] - maxErrors[n - 3] > rise;
}
