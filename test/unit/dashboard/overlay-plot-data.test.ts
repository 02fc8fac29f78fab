import type { RunComparisonAnswer } from '@jetdrive-hub/client/contract';
import { describe, expect, it } from 'vitest';
import { binLive, overlayPlotData } from '../../../server/dashboard/web/overlay-plot-data.js';

// The compare overlay's columns: runs as the hub aligned them, AFR on the same grid, the live pull binned onto it.

function run(id: string, x: number[], power: (number | null)[], afr?: number[]) {
  return {
    id,
    name: id,
    power,
    torque: power.map((v) => (v === null ? null : v / 2)),
    curves: {
      x: 'rpm',
      binWidth: 50,
      curves: { x: x.filter((_, i) => power[i] !== null), mixture: afr ? { afr_front: afr } : {} },
    },
  } as unknown as RunComparisonAnswer['runs'][number];
}

const cmp = (runs: RunComparisonAnswer['runs']): RunComparisonAnswer => ({
  success: true,
  x: [3000, 3050, 3100, 3200],
  runs,
  deltas: [],
});

describe('overlayPlotData', () => {
  it('puts each run’s power and torque after the grid, and AFR on the same grid where a run has it', () => {
    const a = run('a', [3000, 3050, 3100, 3200], [10, 11, 12, 13], [12.5, 12.6, 12.7, 12.8]);
    const b = run('b', [3000, 3050, 3100, 3200], [null, 12, 13, null]);
    const data = overlayPlotData(cmp([a, b]), null);
    expect(data.columns).toEqual([
      [3000, 3050, 3100, 3200],
      [10, 11, 12, 13],
      [5, 5.5, 6, 6.5],
      [null, 12, 13, null],
      [null, 6, 6.5, null],
    ]);
    expect(data.afr).toEqual([[3000, 3050, 3100, 3200], [12.5, 12.6, 12.7, 12.8], [null, null, null, null]]);
    expect(data.livePoints).toBe(0);
  });

  it('bins the live pull (wire units, converted) onto the grid, gaps in the grid included', () => {
    const a = run('a', [3000, 3050, 3100, 3200], [10, 11, 12, 13]);
    const points = [
      { rpm: 3010, power: 10, torque: 20 },
      { rpm: 3040, power: 12, torque: 22 },
      { rpm: 3190, power: 30, torque: 40 },
      { rpm: 4000, power: 99, torque: 99 },
    ];
    const identity = { factor: 1, offset: 0, label: '' };
    const double = { factor: 2, offset: 0, label: '' };
    const data = overlayPlotData(cmp([a]), { points, power: double, torque: identity } as never);
    expect(data.columns[3]).toEqual([20, 24, null, 60]);
    expect(data.columns[4]).toEqual([20, 22, null, 40]);
    expect(data.livePoints).toBe(3);
  });

  it('binLive leaves bins without points empty and ignores points off the grid', () => {
    expect(binLive([1000, 1050], 50, [{ rpm: 1060, power: 4, torque: 0 }], (p) => p.power)).toEqual([null, 4]);
    expect(binLive([], 50, [{ rpm: 1060, power: 4, torque: 0 }], (p) => p.power)).toEqual([]);
  });
});
