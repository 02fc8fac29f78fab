import { describe, expect, it } from 'vitest';
import { legendText } from '../../../server/dashboard/web/legend-text.js';

describe('legendText', () => {
  it('names the unit once, and not at all when it is the label', () => {
    expect(legendText('Power', 'hp')).toBe('Power (hp)');
    expect(legendText('RPM', 'RPM')).toBe('RPM');
    expect(legendText('RPM', 'rpm')).toBe('RPM');
    expect(legendText('AFR', 'AFR')).toBe('AFR');
    expect(legendText('Torque', '')).toBe('Torque');
    expect(legendText('Torque (N·m)', 'N·m')).toBe('Torque (N·m)');
  });
});
