import { describe, expect, it } from 'vitest';
import { unitCodeOf } from '../../../server/dashboard/web/unit-code-of.js';

describe('unitCodeOf', () => {
  it('maps wire unit labels back to JetDrive unit bytes', () => {
    expect(unitCodeOf('kW')).toBe(4);
    expect(unitCodeOf('N·m')).toBe(5);
    expect(unitCodeOf('°C')).toBe(6);
    expect(unitCodeOf('km/h')).toBe(2);
    expect(unitCodeOf('RPM')).toBe(8);
  });

  it('treats unknown and empty labels as no unit', () => {
    expect(unitCodeOf('furlongs')).toBe(255);
    expect(unitCodeOf('')).toBe(255);
    expect(unitCodeOf(null)).toBe(255);
  });
});
