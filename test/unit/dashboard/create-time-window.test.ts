import { describe, expect, it } from 'vitest';
import { createTimeWindow } from '../../../server/dashboard/web/create-time-window.js';

describe('createTimeWindow', () => {
  it('returns columns oldest first', () => {
    const w = createTimeWindow(2, 5);
    w.push(1, [10, 100]);
    w.push(2, [20, null]);
    w.push(3, [30, 300]);
    expect(w.columns()).toEqual([
      [1, 2, 3],
      [10, 20, 30],
      [100, null, 300],
    ]);
  });

  it('overwrites the oldest rows when full and counts them', () => {
    const w = createTimeWindow(1, 3);
    for (let t = 1; t <= 5; t++) w.push(t, [t * 10]);
    expect(w.size).toBe(3);
    expect(w.overwritten).toBe(2);
    expect(w.columns()).toEqual([
      [3, 4, 5],
      [30, 40, 50],
    ]);
  });

  it('filters by time and maps non-finite values to gaps', () => {
    const w = createTimeWindow(1, 10);
    w.push(1, [1]);
    w.push(2, [Number.NaN]);
    w.push(3, [3]);
    expect(w.columns(2)).toEqual([
      [2, 3],
      [null, 3],
    ]);
  });

  it('ignores a row from the past so time stays ascending', () => {
    const w = createTimeWindow(1, 10);
    w.push(5, [1]);
    w.push(4, [2]);
    expect(w.columns()).toEqual([[5], [1]]);
  });

  it('rejects a capacity that is not a positive integer', () => {
    expect(() => createTimeWindow(1, 0)).toThrow('capacity must be a positive integer, got 0');
  });
});
