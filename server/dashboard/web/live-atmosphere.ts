import { atmosphereOf, type ProbeReadings, type RunAtmosphere } from '../../curves/run-atmosphere.js';

// The air the live pull is corrected against: the atmospheric probe's newest readings, put through the rules a
// recorded run's air goes through on the hub (server/curves/run-atmosphere.ts): a missing, stale or implausible
// reading falls back to the documented default, field by field, and says so.

/** The JetDrive unit byte each probe quantity must come in (°C, kPa, %): the correction's formulas take these. */
const PROBE_UNITS = { ambient_temp: 6, baro: 7, humidity: 16 } as const;
type ProbeQuantity = keyof typeof PROBE_UNITS;
export const PROBE_QUANTITIES = Object.keys(PROBE_UNITS) as ProbeQuantity[];

export interface ProbeSample {
  key: string;
  name: string;
  quantity: string | null;
  unitCode: number;
  value: number;
}

export interface LiveAtmosphere {
  /** Keeps a probe reading (the first channel seen per quantity, in its expected unit); others are ignored. */
  offer(sample: ProbeSample, at: number): void;
  /** The air now: readings older than the age limit count as missing. */
  current(now: number): RunAtmosphere;
}

const isProbeQuantity = (q: string | null): q is ProbeQuantity => q !== null && q in PROBE_UNITS;

/** `maxAgeMs`: a probe sends a few readings a second; one quiet this long is gone. */
export function createLiveAtmosphere(maxAgeMs = 10_000): LiveAtmosphere {
  const latest = new Map<ProbeQuantity, { key: string; name: string; value: number; at: number }>();
  return {
    offer(s, at) {
      if (!isProbeQuantity(s.quantity) || s.unitCode !== PROBE_UNITS[s.quantity]) return;
      const held = latest.get(s.quantity);
      if (held && held.key !== s.key && at - held.at < maxAgeMs) return;
      latest.set(s.quantity, { key: s.key, name: s.name, value: s.value, at });
    },
    current(now) {
      const readings: ProbeReadings = {};
      for (const [q, r] of latest) if (now - r.at < maxAgeMs) readings[q] = { name: r.name, value: r.value };
      return atmosphereOf(readings, 'the live data');
    },
  };
}
