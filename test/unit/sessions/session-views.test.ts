import { describe, expect, it } from 'vitest';
import { parseSessionConfig } from '../../../server/sessions/session-config.js';
import type { SessionState } from '../../../server/sessions/session-state.js';
import { toResults, toSnapshot, toSummary } from '../../../server/sessions/session-views.js';
import { createBaselineVeTable, GRID_CELLS } from '../../../server/tuning/ve-grid.js';
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
      engine_profile: 'm8_114',
      base_ve_scenario: 'lean',
    });
    const rich = {
      ...state('running', 1),
      config: parseSessionConfig({ engine_profile: 'm8_131', base_ve_scenario: 'rich' }),
    };
    expect(toSummary(rich, 99_000)).toMatchObject({ engine_profile: 'm8_131', base_ve_scenario: 'rich' });
    expect(toSummary({ ...rich, config: null }, 99_000)).toMatchObject({
      engine_profile: null,
      base_ve_scenario: null,
    });
  });

  it('sends the correction compounded over every iteration, per cylinder, while the tables are held', () => {
    const base = createBaselineVeTable();
    const factors = (front: number, rear: number) => ({
      front: new Float64Array(GRID_CELLS).fill(front),
      rear: new Float64Array(GRID_CELLS).fill(rear),
    });
    const tables = {
      veFront: base,
      veRear: base,
      corrections: [factors(1.1, 0.95), factors(1.05, 0.95)],
      lastCellMaps: null,
    };
    const r = toResults(state('converged', 3), tables, 99_000);
    // 1.1 × 1.05 = 1.155 → +15.5 %; 0.95² = 0.9025 → −9.75 %. The converged third iteration applied nothing.
    expect(r.cumulative_ve_correction_pct?.front[0][0]).toBe(15.5);
    expect(r.cumulative_ve_correction_pct?.rear[10][8]).toBe(-9.75);
    expect(r.cumulative_ve_correction_pct?.front).toHaveLength(11);
    expect(r.cumulative_ve_correction_pct?.front[0]).toHaveLength(9);
    // Converged at once: zero everywhere, not "unknown"; before any iteration, and after release: null.
    const atOnce = toResults(state('converged', 1), { ...tables, corrections: [] }, 99_000);
    expect(atOnce.cumulative_ve_correction_pct?.front.flat().every((v) => v === 0)).toBe(true);
    expect(toResults(state('running', 0), tables, 99_000).cumulative_ve_correction_pct).toBeNull();
    expect(toResults(state('converged', 3), null, 99_000).cumulative_ve_correction_pct).toBeNull();
  });
});
