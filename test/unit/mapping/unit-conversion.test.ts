import { describe, expect, it } from 'vitest';
import { displayConversion, fromDisplay, toDisplay } from '../../../server/mapping/unit-conversion.js';

describe('displayConversion', () => {
  it.each([
    [4, 'imperial', 'hp', 100, 134.1022],
    [4, 'metric', 'kW', 100, 100],
    [5, 'imperial', 'ft·lb', 100, 73.7562],
    [5, 'metric', 'N·m', 100, 100],
    [6, 'imperial', '°F', 100, 212],
    [6, 'imperial', '°F', -40, -40],
    [6, 'metric', '°C', 20, 20],
    [2, 'imperial', 'mph', 100, 62.1371],
    [2, 'metric', 'km/h', 100, 100],
    [3, 'imperial', 'lb', 1000, 224.8089],
    [3, 'metric', 'N', 1000, 1000],
    [7, 'imperial', 'kPa', 101.3, 101.3],
    [8, 'imperial', 'RPM', 5000, 5000],
    [11, 'metric', 'AFR', 14.7, 14.7],
    [255, 'imperial', '', 1.01, 1.01],
  ] as const)('unit %i in %s shows %s (%f → %f)', (unit, system, label, si, shown) => {
    const conversion = displayConversion(unit, system);
    expect(conversion.label).toBe(label);
    expect(toDisplay(si, conversion)).toBeCloseTo(shown, 3);
    expect(fromDisplay(shown, conversion)).toBeCloseTo(si, 3);
  });

  it('shows barometric pressure in inHg in imperial but keeps MAP in kPa', () => {
    expect(displayConversion(7, 'imperial', 'baro').label).toBe('inHg');
    expect(toDisplay(101.325, displayConversion(7, 'imperial', 'baro'))).toBeCloseTo(29.92, 2);
    expect(displayConversion(7, 'imperial', 'map').label).toBe('kPa');
    expect(displayConversion(7, 'metric', 'baro').label).toBe('kPa');
  });

  it('turns NaN, Infinity and missing values into null', () => {
    const conversion = displayConversion(4, 'imperial');
    expect(toDisplay(Number.NaN, conversion)).toBeNull();
    expect(toDisplay(Number.NEGATIVE_INFINITY, conversion)).toBeNull();
    expect(toDisplay(null, conversion)).toBeNull();
    expect(toDisplay(undefined, conversion)).toBeNull();
  });
});
