import { describe, expect, it } from 'vitest';
import { interpolateAt } from '../../../server/curves/interpolate-at.js';

const f = (...v: number[]) => Float64Array.from(v);

describe('interpolateAt', () => {
  it('is linear between samples, exact on them, NaN outside the span', () => {
    const out = interpolateAt(f(0, 10, 20), f(0, 100, 50), f(-5, 0, 5, 10, 15, 20, 25));
    expect(Array.from(out)).toEqual([Number.NaN, 0, 50, 100, 75, 50, Number.NaN]);
  });

  it('reads a one-sample series only at its time, and an empty one nowhere', () => {
    expect(Array.from(interpolateAt(f(10), f(7), f(5, 10, 15)))).toEqual([Number.NaN, 7, Number.NaN]);
    expect(Array.from(interpolateAt(f(), f(), f(0)))).toEqual([Number.NaN]);
  });
});
