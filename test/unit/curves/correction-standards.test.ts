import { describe, expect, it } from 'vitest';
import {
  CORRECTION_STANDARDS,
  type CorrectionStandard,
  correctionFactor,
  STANDARD_DEFINITIONS,
  saturationVaporPressureKpa,
} from '../../../server/curves/index.js';

// Worked examples by hand. Dry air (0 % RH) unless said, so Pd = the barometer; T in the formulas is °C + 273.
//   SAE J1349: 1.18 · (99 / Pd) · √((t + 273) / 298) − 0.18
//   STD/J607:  (101.3 / Pd) · √((t + 273) / 288.6)
//   DIN 70020: (101.3 / p) · √((t + 273) / 293)        (total pressure: humidity ignored)
//   EEC:       (99 / Pd)^1.2 · ((t + 273) / 298)^0.6
const air = (tempC: number, pressureKpa: number, humidityPct = 0) => ({ tempC, pressureKpa, humidityPct });

const cases: {
  name: string;
  air: ReturnType<typeof air>;
  expected: Record<Exclude<CorrectionStandard, 'none'>, number>;
}[] = [
  {
    // Hot day at sea level, 35 °C, 100 kPa: √(308/298) = 1.016640
    // SAE 1.18 · 0.99 · 1.016640 − 0.18 = 1.007639; STD 1.013 · √(308/288.6) = 1.013 · 1.033063 = 1.046494;
    // DIN 1.013 · √(308/293) = 1.013 · 1.025275 = 1.038606; EEC 0.99^1.2 · (308/298)^0.6 = 0.988013 · 1.020085 = 1.007773
    name: 'hot (35 °C, 100 kPa)',
    air: air(35, 100),
    expected: { sae: 1.007639, std: 1.046494, din: 1.038606, eec: 1.007773 },
  },
  {
    // Cold, high pressure, −5 °C, 102.5 kPa: √(268/298) = 0.948334
    // SAE 1.18 · 0.965854 · 0.948334 − 0.18 = 0.900818; STD 0.988293 · √(268/288.6) = 0.988293 · 0.963647 = 0.952368;
    // DIN 0.988293 · √(268/293) = 0.988293 · 0.956385 = 0.945190; EEC 0.965854^1.2 · (268/298)^0.6 = 0.959169 · 0.938311 = 0.900005
    name: 'cold (−5 °C, 102.5 kPa)',
    air: air(-5, 102.5),
    expected: { sae: 0.900818, std: 0.952368, din: 0.94519, eec: 0.900005 },
  },
  {
    // High altitude (≈ 1,900 m), 20 °C, 80 kPa: SAE 1.18 · 1.2375 · √(293/298) − 0.18 = 1.18 · 1.2375 · 0.991575 − 0.18
    // = 1.267948; STD 1.26625 · √(293/288.6) = 1.26625 · 1.007594 = 1.275866; DIN 1.26625 · 1 = 1.26625;
    // EEC 1.2375^1.2 · (293/298)^0.6 = 1.291228 · 0.989998 = 1.278336
    name: 'high altitude (20 °C, 80 kPa)',
    air: air(20, 80),
    expected: { sae: 1.267948, std: 1.275866, din: 1.26625, eec: 1.278336 },
  },
  {
    // Humid, 30 °C, 100 kPa, 60 % RH: vapour 0.6 · 4.245126 = 2.547075 kPa, Pd = 97.452925 kPa
    // SAE 1.18 · (99 / 97.452925) · √(303/298) − 0.18 = 1.18 · 1.015875 · 1.008355 − 0.18 = 1.028747;
    // STD (101.3 / 97.452925) · √(303/288.6) = 1.039476 · 1.024644 = 1.065093;
    // DIN ignores humidity: 1.013 · √(303/293) = 1.013 · 1.016922 = 1.030142;
    // EEC (99 / 97.452925)^1.2 · (303/298)^0.6 = 1.019080 · 1.010034 = 1.029305
    name: 'humid (30 °C, 100 kPa, 60 % RH)',
    air: air(30, 100, 60),
    expected: { sae: 1.028747, std: 1.065093, din: 1.030142, eec: 1.029305 },
  },
];

describe('correction factors', () => {
  it('are 1.000 at each standard’s own reference air', () => {
    for (const [standard, d] of Object.entries(STANDARD_DEFINITIONS)) {
      const cf = correctionFactor(standard as CorrectionStandard, air(d.refTempC, d.refPressureKpa, 0));
      expect(cf.factor, standard).toBeCloseTo(1, 12);
    }
  });

  it('match the worked examples (hot, cold, high altitude, humid)', () => {
    for (const c of cases) {
      for (const [standard, expected] of Object.entries(c.expected)) {
        const { factor } = correctionFactor(standard as CorrectionStandard, c.air);
        expect(factor, `${c.name} ${standard}`).toBeCloseTo(expected, 5);
      }
    }
  });

  it('carry the inputs, the pressure the formula used and the reference', () => {
    const cf = correctionFactor('sae', air(30, 100, 60));
    expect(cf.label).toBe('SAE J1349');
    expect(cf.inputs.vaporKpa).toBeCloseTo(2.547075, 5);
    expect(cf.inputs.formulaPressureKpa).toBeCloseTo(97.452925, 5);
    expect(cf.reference).toEqual({ tempC: 25, pressureKpa: 99, dryAir: true });
    const din = correctionFactor('din', air(30, 100, 60));
    expect(din.inputs.formulaPressureKpa).toBe(100);
    expect(correctionFactor('din', air(30, 100, 0)).factor).toBe(din.factor);
  });

  it('uncorrected is exactly 1 and names no reference', () => {
    const cf = correctionFactor('none', air(40, 85, 80));
    expect([cf.factor, cf.reference, cf.label]).toEqual([1, null, 'uncorrected']);
  });

  it('every standard raises the factor on a hotter or thinner day', () => {
    for (const standard of CORRECTION_STANDARDS.filter((s) => s !== 'none')) {
      const base = correctionFactor(standard, air(20, 100, 40)).factor;
      expect(correctionFactor(standard, air(30, 100, 40)).factor, standard).toBeGreaterThan(base);
      expect(correctionFactor(standard, air(20, 90, 40)).factor, standard).toBeGreaterThan(base);
    }
  });
});

describe('saturationVaporPressureKpa', () => {
  it('matches the steam-table values within 0.1 %', () => {
    // Saturation pressure over water: 0 °C 0.6112 kPa, 20 °C 2.3392 kPa, 30 °C 4.2470 kPa, 40 °C 7.3849 kPa.
    for (const [t, kpa] of [
      [0, 0.6112],
      [20, 2.3392],
      [30, 4.247],
      [40, 7.3849],
    ]) {
      expect(Math.abs(saturationVaporPressureKpa(t) / kpa - 1), `${t} °C`).toBeLessThan(0.001);
    }
  });
});
