import { describe, expect, it } from 'vitest';
import { SeriesEnvelopes } from '../../../server/dashboard/web/series-envelopes.js';

describe('SeriesEnvelopes', () => {
  it('takes rows of values, lows and highs, null for a series never set or gone stale', () => {
    const e = new SeriesEnvelopes(2);
    expect(e.row(0, 100)).toEqual([null, null, null, null, null, null]);
    e.set(0, 5, 3, 9, 8, 1000);
    e.set(0, 6, undefined, undefined, 8, 1010);
    expect(e.row(1050, 100)).toEqual([6, null, 3, null, 9, null]);
    expect(e.row(1200, 100)).toEqual([null, null, null, null, null, null]);
  });

  it('starts the next envelope from the value the last row ended on', () => {
    const e = new SeriesEnvelopes(1);
    e.set(0, 10, 2, 20, 8, 0);
    e.row(0, 100);
    e.set(0, 12, undefined, undefined, 8, 10);
    expect(e.row(10, 100)).toEqual([12, 10, 12]);
  });

  it('says when a series changes unit (it starts unknown, 255)', () => {
    const e = new SeriesEnvelopes(1);
    expect(e.unitCode(0)).toBe(255);
    expect(e.set(0, 1, undefined, undefined, 8, 0)).toBe(true);
    expect(e.set(0, 1, undefined, undefined, 8, 0)).toBe(false);
    expect(e.unitCode(0)).toBe(8);
  });
});
