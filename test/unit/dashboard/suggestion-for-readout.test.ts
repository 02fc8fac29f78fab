import { describe, expect, it } from 'vitest';
import { suggestionForReadout } from '../../../server/dashboard/web/suggestion-for-readout.js';

const base = { label: 'X', units: null, min: null, max: null, decimals: null, color: null };

describe('suggestionForReadout', () => {
  it('takes decimals, colour and the range of a unit that never converts', () => {
    const config = { ...base, units: 'RPM', min: 0, max: 8000, decimals: 0, color: '#4ade80' };
    expect(suggestionForReadout(config, 8, 'imperial', 'rpm')).toEqual({
      min: 0,
      max: 8000,
      decimals: 0,
      color: '#4ade80',
    });
  });

  it('converts a display-unit range back to SI', () => {
    const hp = suggestionForReadout({ ...base, units: 'hp', min: 0, max: 200 }, 4, 'imperial', 'power');
    expect(hp.min).toBe(0);
    expect(hp.max).toBeCloseTo(149.14, 2);
    const f = suggestionForReadout({ ...base, units: '°F', min: 32, max: 212 }, 6, 'imperial', 'ect');
    expect(f.min).toBeCloseTo(0, 9);
    expect(f.max).toBeCloseTo(100, 9);
    const baro = suggestionForReadout({ ...base, units: 'inHg', min: 26.5, max: 32.5 }, 7, 'imperial', 'baro');
    expect(baro.min).toBeCloseTo(89.74, 1);
  });

  it('ignores a range in a unit the page does not show, and an inverted one', () => {
    expect(suggestionForReadout({ ...base, units: 'hp', min: 0, max: 200, decimals: 1 }, 4, 'metric', 'power')).toEqual(
      {
        decimals: 1,
      },
    );
    expect(suggestionForReadout({ ...base, units: 'kPa', min: 100, max: 0 }, 7, 'imperial', 'map')).toEqual({});
  });
});
