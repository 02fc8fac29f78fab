import { describe, expect, it } from 'vitest';
import { suggestedConfig } from '../../../server/mapping/suggested-config.js';

describe('suggestedConfig', () => {
  it('uses the older dashboard presets with units that match the converted value', () => {
    expect(suggestedConfig({ quantity: 'afr_front', unit: 11, name: 'Air/Fuel Ratio 1' }, 'imperial')).toEqual({
      label: 'AFR Front',
      units: ':1',
      min: 10,
      max: 18,
      decimals: 2,
      color: '#f472b6',
    });
    expect(suggestedConfig({ quantity: 'ect', unit: 6, name: 'Engine Temp' }, 'imperial')).toMatchObject({
      units: '°F',
      max: 300,
    });
    expect(suggestedConfig({ quantity: 'ect', unit: 6, name: 'Engine Temp' }, 'metric')).toMatchObject({
      units: '°C',
      max: 150,
    });
    expect(suggestedConfig({ quantity: 'baro', unit: 7, name: 'Pressure' }, 'imperial')).toMatchObject({
      label: 'Baro Pressure',
      units: 'inHg',
    });
  });

  it('widens the preset range to what the channel has shown, with round bounds', () => {
    // A sportbike revs to 14,500: an 8,000 rpm gauge would pin.
    expect(
      suggestedConfig({ quantity: 'rpm', unit: 8, name: 'Digital RPM 1', min: 1200, max: 14_480 }, 'imperial'),
    ).toMatchObject({
      min: 0,
      max: 15_000,
    });
    // Coast-down power goes negative.
    expect(suggestedConfig({ quantity: 'power', unit: 4, name: 'Power', min: -12, max: 80 }, 'metric')).toMatchObject({
      min: -15,
      max: 150,
    });
  });

  it('labels an unmapped channel by its name and its unit, ranged from its values', () => {
    expect(suggestedConfig({ quantity: null, unit: 255, name: 'Sampling', min: 0, max: 1 }, 'imperial')).toEqual({
      label: 'Sampling',
      units: '',
      min: 0,
      max: 1,
      decimals: 2,
      color: '#888888',
    });
    expect(
      suggestedConfig({ quantity: null, unit: 6, name: 'Internal Temp 1', min: 40, max: 45 }, 'imperial'),
    ).toMatchObject({
      units: '°F',
      max: 150,
    });
  });

  it('prefers a user display name as the label', () => {
    expect(suggestedConfig({ quantity: 'map', unit: 7, name: 'MAP', labelOverride: 'Boost' }, 'metric').label).toBe(
      'Boost',
    );
  });
});
