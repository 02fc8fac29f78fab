import { describe, expect, it } from 'vitest';
import { binByRpm } from '../../../server/dashboard/web/bin-by-rpm.js';

describe('binByRpm', () => {
  it('averages points into ascending RPM bins', () => {
    const out = binByRpm(
      [
        { rpm: 3010, power: 40, torque: 100 },
        { rpm: 2990, power: 42, torque: 102 },
        { rpm: 2000, power: 20, torque: 90 },
        { rpm: 3490, power: 50, torque: 104 },
      ],
      100,
    );
    expect(out.rpm).toEqual([2000, 3000, 3490]);
    expect(out.power).toEqual([20, 41, 50]);
    expect(out.torque).toEqual([90, 101, 104]);
  });

  it('rejects a non-positive bin', () => {
    expect(() => binByRpm([], 0)).toThrow('binRpm must be > 0, got 0');
  });
});
