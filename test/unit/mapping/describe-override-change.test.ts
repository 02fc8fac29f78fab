import { describe, expect, it } from 'vitest';
import { describeOverrideChange } from '../../../server/mapping/describe-override-change.js';

describe('describeOverrideChange', () => {
  it('names only the channels that changed, and how', () => {
    expect(
      describeOverrideChange(
        'Power Core',
        { 'Digital RPM 1': { quantity: 'rpm' }, 'AFR 1': { hidden: true } },
        { 'Digital RPM 1': { quantity: 'rpm' }, 'Force Drum 1': { quantity: null, unit: 3, display_name: 'Drum' } },
      ),
    ).toBe(
      'mapping of "Power Core": "AFR 1" override removed; "Force Drum 1" → quantity none, unit 3, shown as "Drum"',
    );
  });

  it('says nothing when nothing changed, and counts beyond ten channels', () => {
    expect(describeOverrideChange('P', { a: { hidden: false } }, { a: { hidden: false } })).toBeNull();
    const many = Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`ch${i}`, { hidden: true }]));
    expect(describeOverrideChange('P', undefined, many)).toMatch(/"ch9" → hidden; and 2 more$/);
  });
});
