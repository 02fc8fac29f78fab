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
    expect(data.afr).toEqual([
      [3000, 3050, 3100, 3200],
      [12.5, 12.6, 12.7, 12.8],
      [null, null, null, null],
    ]);
    expect(data.livePoints).toBe(0);
  });

  const identity = { factor: 1, offset: 0, label: '' };
  const double = { factor: 2, offset: 0, label: '' };

  it('bins the live pull (wire units, converted, times the live factor) onto the grid, gaps in the grid included', () => {
    const a = run('a', [3000, 3050, 3100, 3200], [10, 11, 12, 13]);
    const points = [
      { rpm: 3010, power: 10, torque: 20 },
      { rpm: 3040, power: 12, torque: 22 },
      { rpm: 3190, power: 30, torque: 40 },
      { rpm: 4000, power: 99, torque: 99 },
    ];
    const live = { points, speed: identity, power: double, torque: identity, factor: 1.5 };
    const data = overlayPlotData(cmp([a]), live);
    expect(data.columns[3]).toEqual([30, 36, null, 90]);
    expect(data.columns[4]).toEqual([30, 33, null, 60]);
    expect(data.livePoints).toBe(3);
  });

  it('on a speed grid bins the live pull by its road speed in the page’s unit; points without speed are left out', () => {
    const mph = { factor: 0.621371192, offset: 0, label: 'mph' };
    const a = run('a', [40, 41, 43], [50, 52, 55]);
    const onSpeed = {
      ...cmp([{ ...a, curves: { ...a.curves, x: 'speed', binWidth: 1 } } as RunComparisonAnswer['runs'][number]]),
      x: [40, 41, 43],
    };
    const points = [
      { rpm: 3000, power: 10, torque: 20, speed: 64.4 }, // 40.02 mph
      { rpm: 3010, power: 12, torque: 22, speed: 65.9 }, // 40.95 mph
      { rpm: 3020, power: 14, torque: 24 },
      { rpm: 3030, power: 16, torque: 26, speed: 69.2 }, // 43.00 mph
    ];
    const data = overlayPlotData(onSpeed, { points, speed: mph, power: identity, torque: identity, factor: 1 });
    expect(data.columns[3]).toEqual([10, 12, 16]);
    expect(data.livePoints).toBe(3);
  });

  it('binLive: the hub’s rule (bin round(x / width)), bins without points empty, points off the grid ignored', () => {
    const rpm = (p: { rpm: number }) => p.rpm;
    const power = (p: { power: number }) => p.power;
    expect(binLive([1000, 1050], 50, [{ rpm: 1060, power: 4, torque: 0 }], rpm, power)).toEqual([null, 4]);
    expect(binLive([1000, 1050], 50, [{ rpm: 1074.9, power: 4, torque: 0 }], rpm, power)).toEqual([null, 4]);
    expect(binLive([1000, 1050], 50, [{ rpm: 1075.1, power: 4, torque: 0 }], rpm, power)).toEqual([null, null]);
    expect(binLive([], 50, [{ rpm: 1060, power: 4, torque: 0 }], rpm, power)).toEqual([]);
  });
});
