import { describe, expect, it } from 'vitest';
import { cellIndex, GRID_CELLS, MAP_AXIS, RPM_AXIS } from '../../../server/tuning/ve-grid.js';
import { binSample, createCellBins } from '../../../server/tuning/cell-bins.js';
import { toCellMaps } from '../../../server/tuning/to-cell-maps.js';
import { createAfrTargetTable } from '../../../server/tuning/ve-grid.js';

describe('toCellMaps', () => {
  const target = createAfrTargetTable();
  // Three samples exactly on the 3000 rpm × 60 kPa node, one on 4000 × 100 (below min hits).
  const bins = createCellBins();
  const t60 = target[cellIndex(3, 4)];
  for (const d of [0.5, 0.6, 0.7]) binSample(bins, target, { rpm: 3000, map: 60, afrFront: t60 + d, afrRear: t60 - d });
  binSample(bins, target, { rpm: 4000, map: 100, afrFront: 15, afrRear: 15 });

  it('reports the mean AFR error per cylinder only where a cell has min hits', () => {
    const maps = toCellMaps(bins, null, 3);
    expect(maps.rpm_axis).toEqual([...RPM_AXIS]);
    expect(maps.map_axis).toEqual([...MAP_AXIS]);
    expect(maps.afr_error.front[3][4]).toBeCloseTo(0.6, 3);
    expect(maps.afr_error.rear[3][4]).toBeCloseTo(-0.6, 3);
    expect(maps.afr_error.front[5][8]).toBeNull();
    expect(maps.hits[3][4]).toBe(3);
    expect(maps.hits[5][8]).toBe(1);
    // No correction applied (converged): judged cells read 0, unjudged null.
    expect(maps.ve_correction_pct.front[3][4]).toBe(0);
    expect(maps.ve_correction_pct.front[0][0]).toBeNull();
  });

  it('reports the applied correction in percent, per cylinder', () => {
    const front = new Float64Array(GRID_CELLS).fill(1);
    const rear = new Float64Array(GRID_CELLS).fill(1);
    front[cellIndex(3, 4)] = 1.042;
    rear[cellIndex(3, 4)] = 0.958;
    const maps = toCellMaps(bins, { front, rear }, 3);
    expect(maps.ve_correction_pct.front[3][4]).toBeCloseTo(4.2, 3);
    expect(maps.ve_correction_pct.rear[3][4]).toBeCloseTo(-4.2, 3);
  });
});
