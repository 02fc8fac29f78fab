import { describe, expect, it } from 'vitest';
import { compactFloat } from '../../../server/realtime/compact-float.js';

describe('compactFloat', () => {
  it('prints a widened float32 with the shortest decimal that maps back to the same float32', () => {
    expect(Math.fround(14.7)).not.toBe(14.7);
    expect(compactFloat(Math.fround(14.7))).toBe(14.7);
    expect(compactFloat(Math.fround(0.1))).toBe(0.1);
    expect(compactFloat(Math.fround(3456.789))).toBe(3456.789);
    for (const value of [Math.fround(1 / 3), Math.fround(Math.PI * 1e6), Math.fround(-2.5e-7), Math.fround(123456.7)]) {
      expect(Math.fround(compactFloat(value))).toBe(value);
      expect(String(compactFloat(value)).length).toBeLessThanOrEqual(String(value).length);
    }
  });

  it('leaves integers, non-finite values and values that are not float32 untouched', () => {
    expect(compactFloat(5000)).toBe(5000);
    expect(compactFloat(Number.NaN)).toBeNaN();
    expect(compactFloat(Number.POSITIVE_INFINITY)).toBe(Number.POSITIVE_INFINITY);
    expect(compactFloat(0.1)).toBe(0.1);
    expect(compactFloat(1 / 3)).toBe(1 / 3);
  });
});
