import { describe, expect, it } from 'vitest';
import type { AnalysisGrid } from '@jetdrive-hub/client/contract';
import { loadUnitOf, nearestCellOf } from '../../../server/dashboard/web/analysis-heatmaps.js';

const grid = { rpmAxis: [1500, 2000, 2500], loadAxis: [20, 60, 100] } as AnalysisGrid;

describe('nearestCellOf (the operating point traced on the analysis heatmaps)', () => {
  it('is the nearest node, row-major by rpm', () => {
    expect(nearestCellOf(grid, 1500, 20)).toBe(0);
    expect(nearestCellOf(grid, 2100, 75)).toBe(1 * 3 + 1);
    expect(nearestCellOf(grid, 2600, 95)).toBe(2 * 3 + 2);
  });

  it('is -1 more than half a step off the table (idle below the rpm axis, say)', () => {
    expect(nearestCellOf(grid, 900, 40)).toBe(-1);
    expect(nearestCellOf(grid, 1300, 45)).toBe(1);
    expect(nearestCellOf(grid, 2000, 130)).toBe(-1);
  });
});

describe('loadUnitOf (the load axis label of the analysis heatmaps)', () => {
  it('says kPa for a MAP table and TPS % for a throttle table', () => {
    expect(loadUnitOf('map')).toBe('kPa');
    expect(loadUnitOf('tps')).toBe('TPS %');
  });
});
