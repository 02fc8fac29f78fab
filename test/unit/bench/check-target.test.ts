import { describe, expect, it } from 'vitest';
import { checkTarget } from '../../../test/bench/check-target.js';
import type { BenchResult } from '../../../test/bench/types.js';

const row = (target: string | undefined, ratio?: number, value = 3, unit = 'ms'): BenchResult => ({
  section: 's',
  name: 'n',
  value,
  unit,
  ratio,
  target,
});

describe('checkTarget', () => {
  it.each([
    ['≥ 0.8x', 0.8, 'met'],
    ['≥ 0.8x', 0.79, 'missed'],
    ['≤ 1.5x', 1.51, 'missed'],
    ['≤ 1.5x', 1.2, 'met'],
    ['< 1x', 1, 'missed'],
    ['≈ 1x', 3, 'unchecked'],
    [undefined, 0.1, 'unchecked'],
    ['≥ 0.7x', undefined, 'unchecked'],
  ] as const)('%s with ratio %s → %s', (target, ratio, verdict) => {
    expect(checkTarget(row(target, ratio))).toBe(verdict);
  });

  it('compares the value itself when the target is in the row unit', () => {
    expect(checkTarget(row('≤ 5 ms', undefined, 4.9))).toBe('met');
    expect(checkTarget(row('≤ 5 ms', undefined, 5.1))).toBe('missed');
    expect(checkTarget(row('≤ 5 ms', undefined, 9, 'µs'))).toBe('unchecked');
  });
});
