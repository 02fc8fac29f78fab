// Ambient air and the SAE J1349 correction factor the dyno reports with corrected power.

export interface Atmosphere {
  tempC: number;
  /** Barometric (total) pressure, kPa. */
  pressureKpa: number;
  /** Relative humidity, %. */
  humidityPct: number;
}

/** 77 °F, 29.92 inHg, 50 % RH: the older system's ambient defaults, in SI. */
export const DEFAULT_ATMOSPHERE: Readonly<Atmosphere> = Object.freeze({
  tempC: 25,
  pressureKpa: 101.325,
  humidityPct: 50,
});

const KPA_PER_INHG = 3.386389;

export function inHgToKpa(inHg: number): number {
  return inHg * KPA_PER_INHG;
}

export function fahrenheitToCelsius(f: number): number {
  return ((f - 32) * 5) / 9;
}

/** Saturation vapour pressure of water, kPa (Buck 1996). */
export function saturationVaporPressureKpa(tempC: number): number {
  return 0.61121 * Math.exp((18.678 - tempC / 234.5) * (tempC / (257.14 + tempC)));
}

/** Partial pressure of dry air, kPa: the total minus the water vapour. */
export function dryAirPressureKpa(a: Atmosphere): number {
  return a.pressureKpa - (a.humidityPct / 100) * saturationVaporPressureKpa(a.tempC);
}

/**
 * SAE J1349 (2004) correction factor: corrected power = observed power × CF, against 25 °C and 99 kPa of dry air.
 * CF = 1.18 · (99 / Pd) · √((T + 273) / 298) − 0.18. Above 1 on a hot, high or humid day.
 */
export function saeJ1349Factor(a: Atmosphere): number {
  const pd = dryAirPressureKpa(a);
  return 1.18 * (99 / pd) * Math.sqrt((a.tempC + 273) / 298) - 0.18;
}

/** Errors name the field and the number: the model would silently produce nonsense otherwise. */
export function validateAtmosphere(a: Atmosphere): Atmosphere {
  if (!(a.tempC >= -40 && a.tempC <= 60)) throw new RangeError(`atmosphere.tempC ${a.tempC} is outside −40..60 °C`);
  if (!(a.pressureKpa >= 60 && a.pressureKpa <= 110)) {
    throw new RangeError(`atmosphere.pressureKpa ${a.pressureKpa} is outside 60..110 kPa`);
  }
  if (!(a.humidityPct >= 0 && a.humidityPct <= 100)) {
    throw new RangeError(`atmosphere.humidityPct ${a.humidityPct} is outside 0..100 %`);
  }
  return a;
}
