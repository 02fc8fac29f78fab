import { describe, expect, it } from 'vitest';
import { parseSessionConfig } from '../../../server/sessions/session-config.js';
import type { SessionState } from '../../../server/sessions/session-state.js';
import { toResults, toSnapshot, toSummary } from '../../../server/sessions/session-views.js';
import { createBaselineVeTable } from '../../../server/tuning/ve-grid.js';
import { iterationResult } from '../../support/iteration-result.js';

const state = (status: SessionState['status'], n: number, endedAt: number | null = 61_500): SessionState => ({
  sessionId: 'tune_60_1000',
  config: parseSessionConfig({}),
  status,
  currentIteration: n,
  progressPct: 100,
  progressMessage: 'done',
  iterations: Array.from({ length: n }, (_, i) => iterationResult(i + 1)),
  initialVeErrorPct: -9.8,
  startedAt: 60_000,
  endedAt,
  errorMessage: null,
  seq: 10,
});

describe('session views', () => {
  it.each([
    ['converged', 3, 'fast'],
    ['converged', 4, 'normal'],
    ['converged', 6, 'normal'],
    ['converged', 7, 'slow'],
    ['max_iterations', 2, null],
    ['stopped', 1, null],
  ] as const)('%s after %d iterations → convergence_rate %s', (status, n, rate) => {
    const r = toResults(state(status, n), null, 99_000);
    expect(r.final_metrics.convergence_rate).toBe(rate);
    expect(r.final_metrics.total_iterations).toBe(n);
    expect(r.final_metrics.time_to_convergence_sec).toBe(status === 'converged' ? 1.5 : null);
  });

  it('carries VE evolution from the events, so it outlives the released tables', () => {
    const r = toResults(state('converged', 4), null, 99_000);
    expect(r.ve_evolution).toEqual({ initial_error_pct: -9.8, final_error_pct: -4.2, total_correction_pct: 6.1 });
    expect(r.ve_tables).toBeNull();
    const base = createBaselineVeTable();
    const held = toResults(
      state('converged', 4),
      { veFront: base, veRear: base, corrections: [], lastCellMaps: null },
      99_000,
    );
    expect(held.ve_tables?.rpm_axis).toEqual([1500, 2000, 2500, 3000, 3500, 4000, 4500, 5000, 5500, 6000, 6500]);
    expect(held.ve_tables?.front[5][8]).toBeCloseTo(base[5 * 9 + 8], 4);
  });

  it('runs duration on while a session runs and freezes it at the end', () => {
    expect(toSnapshot(state('running', 1, null), 63_000)).toMatchObject({ duration_sec: 3, end_time: null, seq: 10 });
    expect(toSnapshot(state('converged', 1), 99_000)).toMatchObject({
      duration_sec: 1.5,
      start_time: '1970-01-01T00:01:00.000Z',
      end_time: '1970-01-01T00:01:01.500Z',
    });
    expect(toSummary(state('failed', 2), 99_000)).toEqual({
      session_id: 'tune_60_1000',
      status: 'failed',
      current_iteration: 2,
      max_iterations: 10,
      duration_sec: 1.5,
      converged: false,
    });
  });
});
