import { CORRECTION_STANDARDS, type CorrectionStandard } from '@jetdrive-hub/client/contract';
import type { Atmosphere } from './types.js';

// Atmospheric correction standards: corrected power = observed power × CF. Each standard is written once here as data
// (its reference air and the shape of its formula); `correctionFactor` evaluates them all with the same code.
//
// Sources (formulas checked against each other; the standards themselves are paywalled):
// - SAE J1349 (JUN90): CF = 1.18 · (990 / Pd[mbar]) · √((T + 273) / 298) − 0.18, Pd the dry-air pressure, T the
//   ambient °C: 25 °C, 99 kPa dry. 1.18 = 1 / 0.8475 and 0.18 = (1 − 0.8475) / 0.8475: the standard's assumed
//   mechanical efficiency of 84.75 %, i.e. friction is not corrected. (The formula as quoted from the dyno makers'
//   notes in passionford.com/forum/6282141-post33.html; the efficiency 0.8475 as in a public R dyno-correction
//   package's reference standards, `j1349_1990 = pwr_corr(77 °F, 990 hPa, friction = .8475)`; the 2004 revision
//   uses 0.85, i.e. 1.176 / 0.176.)
//   This is the form Dynojet's "SAE" uses and the simulator's own factor (`server/engine/atmosphere.ts`).
// - STD (SAE J607, the older "standard" correction): CF = (29.92 inHg / Pd) · √((T°F + 460) / 520): 60 °F (15.6 °C),
//   29.92 inHg (101.3 kPa) of dry air, no efficiency term (diy-efi list, 1995-03, "standard corrections";
//   dynomitedyno.com "Corrected Horsepower": J607 = 60 °F, 0 % humidity, 29.92 inHg).
// - DIN 70020: CF = (1013 / p[mbar]) · √((273 + t) / 293): 20 °C, 1013 mbar, and p is the *total* barometric pressure
//   (humidity is ignored) (corsa-d.de DIN 70020 vs EWG 80/1269 note; bikeboy.org citing the Bosch Automotive
//   Handbook, 4th ed.: DIN uses absolute pressure, the others dry).
// - EEC 80/1269 (as amended by 88/195/EEC, the same as ISO 1585 and JIS D1001 for spark-ignition engines):
//   αa = (99 / Pd[kPa])^1.2 · (T[K] / 298)^0.6, 25 °C and 99 kPa dry (ISO 1585 spark-ignition factor; the same
//   exponents in the "isokorekce" calculator, pastebin.com/H6YEfQre). No mechanical-efficiency term.
// - Uncorrected: CF = 1.
// Temperatures go in as T + 273, as the published formulas write them, so each standard is exactly 1 at its own
// reference air.

export { CORRECTION_STANDARDS, type CorrectionStandard };

export function isCorrectionStandard(value: unknown): value is CorrectionStandard {
  return typeof value === 'string' && (CORRECTION_STANDARDS as readonly string[]).includes(value);
}

export interface StandardDefinition {
  label: string;
  /** Reference air temperature, °C. */
  refTempC: number;
  /** Reference pressure, kPa: dry air, or total where `dryAir` is false. */
  refPressureKpa: number;
  /** Whether the observed pressure is taken dry (total minus water vapour) or total. */
  dryAir: boolean;
  /** CF = s · ratio − (s − 1), ratio = (p₀/p)^pressureExp · (T/T₀)^tempExp, s = 1 / mechanical efficiency. */
  pressureExp: number;
  tempExp: number;
  /** 1 / mechanical efficiency; 1 where the standard has no efficiency term. SAE J1349 publishes it as 1.18. */
  efficiencyScale: number;
}

export const STANDARD_DEFINITIONS: Readonly<Record<Exclude<CorrectionStandard, 'none'>, Readonly<StandardDefinition>>> =
  Object.freeze({
    sae: {
      label: 'SAE J1349',
      refTempC: 25,
      refPressureKpa: 99,
      dryAir: true,
      pressureExp: 1,
      tempExp: 0.5,
      efficiencyScale: 1.18,
    },
    std: {
      label: 'STD (SAE J607)',
      refTempC: 15.6,
      refPressureKpa: 101.3,
      dryAir: true,
      pressureExp: 1,
      tempExp: 0.5,
      efficiencyScale: 1,
    },
    din: {
      label: 'DIN 70020',
      refTempC: 20,
      refPressureKpa: 101.3,
      dryAir: false,
      pressureExp: 1,
      tempExp: 0.5,
      efficiencyScale: 1,
    },
    eec: {
      label: 'EEC 80/1269',
      refTempC: 25,
      refPressureKpa: 99,
      dryAir: true,
      pressureExp: 1.2,
      tempExp: 0.6,
      efficiencyScale: 1,
    },
  });

const KELVIN_OFFSET = 273;

/** Saturation vapour pressure of water over liquid water, kPa (Buck 1996: 0.61121·e^((18.678 − t/234.5)·t/(257.14 + t))). */
export function saturationVaporPressureKpa(tempC: number): number {
  return 0.61121 * Math.exp((18.678 - tempC / 234.5) * (tempC / (257.14 + tempC)));
}

/** Water vapour's share of the air, kPa: relative humidity × saturation pressure. */
export function vaporPressureKpa(a: Atmosphere): number {
  return (a.humidityPct / 100) * saturationVaporPressureKpa(a.tempC);
}

export interface CorrectionInputs {
  tempC: number;
  pressureKpa: number;
  humidityPct: number;
  /** Water vapour pressure, kPa. */
  vaporKpa: number;
  /** The pressure the standard's formula uses: dry (total − vapour) or total, kPa. */
  formulaPressureKpa: number;
}

export interface CorrectionFactor {
  standard: CorrectionStandard;
  label: string;
  factor: number;
  inputs: CorrectionInputs;
  /** The standard's reference air; null when uncorrected. */
  reference: { tempC: number; pressureKpa: number; dryAir: boolean } | null;
}

/** The standard's factor for this air, with the inputs it used. */
export function correctionFactor(standard: CorrectionStandard, a: Atmosphere): CorrectionFactor {
  const vaporKpa = vaporPressureKpa(a);
  const observed = { tempC: a.tempC, pressureKpa: a.pressureKpa, humidityPct: a.humidityPct, vaporKpa };
  if (standard === 'none') {
    const inputs = { ...observed, formulaPressureKpa: a.pressureKpa };
    return { standard, label: 'uncorrected', factor: 1, inputs, reference: null };
  }
  const d = STANDARD_DEFINITIONS[standard];
  const formulaPressureKpa = d.dryAir ? a.pressureKpa - vaporKpa : a.pressureKpa;
  const ratio =
    (d.refPressureKpa / formulaPressureKpa) ** d.pressureExp *
    ((a.tempC + KELVIN_OFFSET) / (d.refTempC + KELVIN_OFFSET)) ** d.tempExp;
  return {
    standard,
    label: d.label,
    factor: d.efficiencyScale * ratio - (d.efficiencyScale - 1),
    inputs: { ...observed, formulaPressureKpa },
    reference: { tempC: d.refTempC, pressureKpa: d.refPressureKpa, dryAir: d.dryAir },
  };
}
