import type { IterationResult } from '@jetdrive-hub/client/contract';

/** One tuning iteration's result as a session reports it; `over` replaces what a test cares about. */
export function iterationResult(iteration: number, over: Partial<IterationResult> = {}): IterationResult {
  return {
    iteration,
    timestamp: '2026-01-01T00:00:00.000Z',
    max_afr_error: 0.2,
    mean_afr_error: 0.1,
    rms_afr_error: 0.12,
    max_ve_correction_pct: 0,
    mean_ve_correction_pct: 0,
    cells_corrected: 0,
    cells_converged: 50,
    converged: false,
    peak_hp: 110,
    peak_tq: 120,
    coverage_pct: 52.53,
    cells_judged: 50,
    samples: 2000,
    ve_error_pct: -4.2,
    ve_change_pct: 6.1,
    ...over,
  };
}
