import { describe, expect, it } from 'vitest';
import type { SessionResults } from '@jetdrive-hub/client/contract';
import { cumulativeHeatmap, sessionHeatmaps } from '../../../server/dashboard/web/session-heatmaps.js';
import {
  cellIndex,
  createAfrTargetTable,
  createBaselineVeTable,
  MAP_AXIS,
  RPM_AXIS,
} from '../../../server/tuning/ve-grid.js';

function rowsOf(scale: number): number[][] {
  const base = createBaselineVeTable();
  return RPM_AXIS.map((_, r) => MAP_AXIS.map((__, m) => base[cellIndex(r, m)] * scale));
}

function results(extra: Partial<SessionResults> & Record<string, unknown>): SessionResults {
  return {
    session_id: 's',
    status: 'converged',
    current_iteration: 1,
    max_iterations: 3,
    converged: true,
    progress_pct: 100,
    progress_message: '',
    iterations: [],
    start_time: '',
    end_time: null,
    duration_sec: null,
    error_message: null,
    final_metrics: {
      total_iterations: 1,
      final_max_afr_error: null,
      final_mean_afr_error: null,
      final_rms_afr_error: null,
      convergence_rate: null,
      time_to_convergence_sec: null,
    },
    ve_evolution: { initial_error_pct: null, final_error_pct: null, total_correction_pct: null },
    ve_tables: null,
    ...extra,
  } as SessionResults;
}

describe('sessionHeatmaps', () => {
  it('derives zero error from tables equal to the engine VE', () => {
    const maps = sessionHeatmaps(
      results({ ve_tables: { rpm_axis: [...RPM_AXIS], map_axis: [...MAP_AXIS], front: rowsOf(1), rear: rowsOf(1) } }),
    );
    expect(maps?.origin).toBe('derived');
    for (const row of maps?.veCorrectionPct.cells ?? []) for (const v of row) expect(v).toBeCloseTo(0, 9);
  });

  it('derives a lean error and a positive correction from a table 10 % low', () => {
    const maps = sessionHeatmaps(
      results({
        ve_tables: { rpm_axis: [...RPM_AXIS], map_axis: [...MAP_AXIS], front: rowsOf(0.9), rear: rowsOf(0.9) },
      }),
    );
    const target = createAfrTargetTable();
    expect(maps?.veCorrectionPct.cells[0][0]).toBeCloseTo((1 / 0.9 - 1) * 100, 6);
    expect(maps?.afrError.cells[2][8]).toBeCloseTo(target[cellIndex(2, 8)] * (1 / 0.9 - 1), 6);
    expect(maps?.afrError.cells).toHaveLength(RPM_AXIS.length);
    expect(maps?.afrError.cells[0]).toHaveLength(MAP_AXIS.length);
  });

  it('prefers measured per-cell maps and averages front and rear', () => {
    const grid = (v: number | null) => RPM_AXIS.map(() => MAP_AXIS.map(() => v));
    const maps = sessionHeatmaps(
      results({
        ve_tables: { rpm_axis: [...RPM_AXIS], map_axis: [...MAP_AXIS], front: rowsOf(0.9), rear: rowsOf(0.9) },
        cell_maps: {
          rpm_axis: [...RPM_AXIS],
          map_axis: [...MAP_AXIS],
          afr_error: { front: grid(0.4), rear: grid(0.2) },
          ve_correction_pct: { front: grid(null), rear: grid(null) },
          hits: RPM_AXIS.map(() => MAP_AXIS.map(() => 0)),
        },
      }),
    );
    expect(maps?.origin).toBe('measured');
    expect(maps?.afrError.cells[3][4]).toBeCloseTo(0.3, 9);
    expect(maps?.veCorrectionPct.cells[3][4]).toBeNull();
  });

  it('has nothing to show without tables or maps', () => {
    expect(sessionHeatmaps(results({}))).toBeNull();
  });
});

describe('cumulativeHeatmap', () => {
  const grid = (v: number): number[][] => RPM_AXIS.map(() => MAP_AXIS.map(() => v));

  it('shows the mean of the front and rear totals the hub sent', () => {
    const front = grid(12);
    const rear = grid(-4);
    front[3][4] = 20;
    const map = cumulativeHeatmap(results({ cumulative_ve_correction_pct: { front, rear } }));
    expect(map?.cells[0][0]).toBe(4);
    expect(map?.cells[3][4]).toBe(8);
    expect(map?.rpmAxis).toEqual(RPM_AXIS);
  });

  it('is absent before the first iteration, after release, and for a malformed grid', () => {
    expect(cumulativeHeatmap(results({ cumulative_ve_correction_pct: null }))).toBeNull();
    expect(cumulativeHeatmap(results({}))).toBeNull();
    const short = { front: grid(1).slice(1), rear: grid(1) };
    expect(cumulativeHeatmap(results({ cumulative_ve_correction_pct: short }))).toBeNull();
  });
});
