import { describe, expect, it } from 'vitest';
import { peakColumns } from '../../../server/dashboard/web/iteration-peaks.js';

describe('peakColumns', () => {
  it('shows hp and ft·lb in imperial, kW and N·m in metric', () => {
    const imperial = peakColumns('imperial');
    expect([imperial.powerUnit, imperial.torqueUnit, imperial.power(100), imperial.torque(100)]).toEqual([
      'hp',
      'ft·lb',
      100,
      100,
    ]);
    const metric = peakColumns('metric');
    expect(metric.powerUnit).toBe('kW');
    expect(metric.torqueUnit).toBe('N·m');
    expect(metric.power(100)).toBeCloseTo(74.57, 2);
    expect(metric.torque(100)).toBeCloseTo(135.58, 2);
  });
});
