import { findChannel } from './find-channel.js';
import type { Atmosphere, RunSeries } from './types.js';

// The air a run was made in, from the atmospheric probe's channels recorded with it. A run without a probe (or with a
// reading no probe could give) is corrected against a documented default instead, and says so per field.

/**
 * 77 °F, 29.92 inHg, 50 % RH: the older system's ambient defaults and the simulated dyno's own default air
 * (`server/engine/atmosphere.ts`), so a simulated run without its probe is corrected as the simulator corrects it.
 */
export const DEFAULT_RUN_ATMOSPHERE: Readonly<Atmosphere> = Object.freeze({
  tempC: 25,
  pressureKpa: 101.325,
  humidityPct: 50,
});

/** Readings outside these are not from a working probe (°C, kPa, %). */
const PLAUSIBLE = {
  tempC: { min: -40, max: 60, quantity: 'ambient_temp' },
  pressureKpa: { min: 50, max: 110, quantity: 'baro' },
  humidityPct: { min: 0, max: 100, quantity: 'humidity' },
} as const;

type AtmosphereField = keyof typeof PLAUSIBLE;

/** 'run': the probe's reading (recorded with the run, or live); 'default': the documented default. */
export type AtmosphereSource = 'run' | 'default';

export interface RunAtmosphere extends Atmosphere {
  /** Where each figure came from: the run's probe channel, or the default. */
  sources: Record<AtmosphereField, AtmosphereSource>;
  /** True when any figure is the default: the correction is then only as good as that guess. */
  defaulted: boolean;
  /** Why a field fell back to the default. */
  notes: string[];
}

function median(values: Float64Array): number {
  const finite = Array.from(values).filter(Number.isFinite);
  if (finite.length === 0) return Number.NaN;
  finite.sort((a, b) => a - b);
  const mid = finite.length >> 1;
  return finite.length % 2 === 1 ? finite[mid] : (finite[mid - 1] + finite[mid]) / 2;
}

/** One probe reading per quantity: where it came from (a channel's name) and its value in °C / kPa / %. */
export type ProbeReadings = Partial<Record<(typeof PLAUSIBLE)[AtmosphereField]['quantity'], ProbeReading>>;

export interface ProbeReading {
  name: string;
  value: number;
}

/**
 * The air from the probe's readings, field by field: a reading no probe could give (outside the plausible range) or
 * a missing one falls back to the default, and says so. `where` names what had no reading ("the run", "the live
 * data"). The run's curves and the dashboard's live pull both come through here, so one air gives one factor.
 */
export function atmosphereOf(
  readings: ProbeReadings,
  where: string,
  fallback: Atmosphere = DEFAULT_RUN_ATMOSPHERE,
): RunAtmosphere {
  const out: RunAtmosphere = {
    ...fallback,
    sources: { tempC: 'default', pressureKpa: 'default', humidityPct: 'default' },
    defaulted: false,
    notes: [],
  };
  for (const field of Object.keys(PLAUSIBLE) as AtmosphereField[]) {
    const { min, max, quantity } = PLAUSIBLE[field];
    const reading = readings[quantity];
    if (!reading) {
      out.notes.push(`${field}: no ${quantity} channel in ${where}; default ${fallback[field]} used`);
      continue;
    }
    const { name, value } = reading;
    if (!(value >= min && value <= max)) {
      out.notes.push(`${field}: "${name}" reads ${value}, outside ${min}..${max}; default ${fallback[field]} used`);
      continue;
    }
    out[field] = value;
    out.sources[field] = 'run';
  }
  out.defaulted = Object.values(out.sources).includes('default');
  return out;
}

/** The run's air: the median of each probe channel (one gust does not move it), else the default, field by field. */
export function runAtmosphere(series: RunSeries, fallback: Atmosphere = DEFAULT_RUN_ATMOSPHERE): RunAtmosphere {
  const readings: ProbeReadings = {};
  for (const { quantity } of Object.values(PLAUSIBLE)) {
    const channel = findChannel(series, quantity);
    if (channel) readings[quantity] = { name: channel.name, value: median(channel.v) };
  }
  return atmosphereOf(readings, 'the run', fallback);
}
