// The run-analysis core's input: a run's decoded channel series, as the run library (or a CSV import) hands them over.

/** One channel of a run: its samples, oldest first. */
export interface SeriesChannel {
  name: string;
  /** The quantity the mapping gave it (`server/mapping/quantities.ts` names: rpm, power, torque, afr_front, …). */
  quantity: string | null;
  /** Unit label: the JetDrive wire unit's (kW, N·m, km/h, °C, kPa, RPM, AFR, %) or an imported file's (hp, mph, °F). */
  unit: string;
  /** Sample times, ms from the run's start (any origin; only differences matter). Same length as `v`. */
  t: Float64Array;
  v: Float64Array;
}

export interface RunSeries {
  channels: SeriesChannel[];
}

/** Ambient air for a correction factor. */
export interface Atmosphere {
  tempC: number;
  /** Barometric (total) pressure, kPa. */
  pressureKpa: number;
  /** Relative humidity, %. */
  humidityPct: number;
}
