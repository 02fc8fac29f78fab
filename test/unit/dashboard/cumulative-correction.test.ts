import { describe, expect, it } from 'vitest';
import type { CellMaps } from '@jetdrive-hub/client/contract';
import { cumulativeCorrection } from '../../../server/dashboard/web/cumulative-correction.js';

function maps(front: (number | null)[][], rear: (number | null)[][]): CellMaps {
  return { rpm_axis: [], map_axis: [], afr_error: { front, rear }, ve_correction_pct: { front, rear }, hits: [] };
}

describe('cumulativeCorrection', () => {
  it('sums each iteration’s correction (mean of front and rear), so a converged session is not all zeros', () => {
    const byIteration = new Map([
      [1, maps([[4, null]], [[6, null]])],
      [2, maps([[1, 2]], [[1, null]])],
      [3, maps([[0, 0]], [[0, 0]])],
    ]);
    expect(cumulativeCorrection(byIteration)).toEqual([[6, 2]]);
  });

  it('keeps cells never corrected null, and is null before any iteration', () => {
    expect(cumulativeCorrection(new Map([[1, maps([[null, 3]], [[null, null]])]]))).toEqual([[null, 3]]);
    expect(cumulativeCorrection(new Map())).toBeNull();
  });
});
