import { describe, expect, it } from 'vitest';
import { cellIndex } from '../../../server/tuning/ve-grid.js';
import { nearestCell } from '../../../server/tuning/nearest-cell.js';

describe('nearestCell', () => {
  it.each([
    // rpm, map, expected [rpmIndex, mapIndex] or null (outside)
    [1500, 20, [0, 0]],
    [6500, 100, [10, 8]],
    [3000, 60, [3, 4]],
    [3249, 64.9, [3, 4]],
    [3250, 65, [4, 5]], // half-way goes to the higher node
    [1250, 15, [0, 0]], // exactly half a step outside still belongs to the edge cell
    [1249, 50, null],
    [6751, 50, null],
    [3000, 14.9, null],
    [3000, 105.1, null],
  ] as const)('(%d rpm, %d kPa) → %j', (rpm, map, expected) => {
    expect(nearestCell(rpm, map)).toBe(expected === null ? -1 : cellIndex(expected[0], expected[1]));
  });

  it('rejects NaN instead of binning it into cell 0', () => {
    expect(nearestCell(Number.NaN, 50)).toBe(-1);
    expect(nearestCell(3000, Number.NaN)).toBe(-1);
  });
});
