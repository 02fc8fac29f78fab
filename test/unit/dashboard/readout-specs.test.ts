import { describe, expect, it } from 'vitest';
import { gaugeFraction, rangeDecimals, READOUT_SPECS } from '../../../server/dashboard/web/readout-specs.js';

describe('readout specs', () => {
  it('cover the quantities the issue lists, each with a sane range', () => {
    const quantities = READOUT_SPECS.map((s) => s.quantity);
    for (const q of [
      'rpm',
      'power',
      'torque',
      'afr_front',
      'afr_rear',
      'lambda_front',
      'map',
      'tps',
      'iat',
      'ect',
      'speed',
    ]) {
      expect(quantities).toContain(q);
    }
    for (const s of READOUT_SPECS) expect(s.max).toBeGreaterThan(s.min);
  });

  it('fills the gauge proportionally, clamped', () => {
    expect(gaugeFraction(4000, 0, 8000)).toBe(0.5);
    expect(gaugeFraction(-5, 0, 100)).toBe(0);
    expect(gaugeFraction(900, 0, 100)).toBe(1);
    expect(gaugeFraction(null, 0, 100)).toBe(0);
    expect(gaugeFraction(5, 10, 10)).toBe(0);
  });

  it('labels narrow ranges with enough decimals to tell the ends apart', () => {
    expect(rangeDecimals(0, 8000)).toBe(0);
    expect(rangeDecimals(10, 18)).toBe(1);
    expect(rangeDecimals(0.7, 1.3)).toBe(2);
    expect(rangeDecimals(0.95, 1.05)).toBe(3);
  });
});
