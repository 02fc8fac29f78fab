import { describe, expect, it } from 'vitest';
import { heatColor, heatScale } from '../../../server/dashboard/web/heat-color.js';

function rgb(text: string | null): [number, number, number] {
  const m = /^rgb\((\d+), (\d+), (\d+)\)$/.exec(text ?? '');
  if (!m) throw new Error(`not an rgb() colour: ${text}`);
  return [Number(m[1]), Number(m[2]), Number(m[3])];
}

describe('heatColor', () => {
  it('is neutral at zero, red when positive (lean), blue when negative (rich)', () => {
    expect(heatColor(0, 1)).toBe('rgb(38, 44, 56)');
    expect(heatColor(1, 1)).toBe('rgb(239, 68, 68)');
    expect(heatColor(-1, 1)).toBe('rgb(59, 130, 246)');
  });

  it('grows with |value| and clamps beyond the scale', () => {
    const [rHalf] = rgb(heatColor(0.5, 1));
    const [rQuarter] = rgb(heatColor(0.25, 1));
    expect(rHalf).toBeGreaterThan(rQuarter);
    expect(heatColor(5, 1)).toBe(heatColor(1, 1));
    const [, , bHalf] = rgb(heatColor(-0.5, 1));
    expect(bHalf).toBeGreaterThan(56);
  });

  it('returns null for cells without data and survives a zero scale', () => {
    expect(heatColor(null, 1)).toBeNull();
    expect(heatColor(Number.NaN, 1)).toBeNull();
    expect(heatColor(0.5, 0)).toBe(heatColor(0.5, 1));
  });
});

describe('heatScale', () => {
  it('is the largest |value|, never below the floor, ignoring gaps', () => {
    expect(heatScale([0.1, -2.5, null, 1], 0.5)).toBe(2.5);
    expect(heatScale([0.1, null], 0.5)).toBe(0.5);
    expect(heatScale([], 0.5)).toBe(0.5);
  });
});
