import { DEFAULT_TUNING_OPTIONS } from './tuning-options.js';

// What a tuner may set per live analysis. Every filter can be turned off (null, or 0 for the lag) and every sample it
// rejects is counted in the result, so a grid that stays empty says why.

export type CellWeighting = 'bilinear' | 'nearest';

export interface VeAnalysisSettings {
  /**
   * bilinear: a sample counts toward its four neighbouring cells with the ECU's own weights, and the suggested table
   * is the one whose bilinear reading best explains every sample (least squares); nearest: a sample counts toward
   * its nearest cell only and a cell's suggestion is the mean measured / target ratio of its samples.
   */
  weighting: CellWeighting;
  /** A cell is suggested only with at least this many samples (bilinear: the sum of its weights). */
  minHits: number;
  /** The suggested change of a cell is clamped to ± this, percent (one iteration). */
  maxCorrectionPct: number;
  /** Samples with the engine below this temperature (°C) are not tuning data; null turns the filter off. */
  warmupTempC: number | null;
  /** Steady state: rpm and load must change slower than these over the window; null turns a limit off. */
  steadyWindowMs: number;
  maxRpmRatePerS: number | null;
  maxLoadRatePerS: number | null;
  /** A reading is paired with the operating point this long before it (wideband transport and sensor lag). */
  lagMs: number;
  /** Decel fuel cut: throttle below closedThrottlePct with AFR above fuelCutAfr is free air; null turns it off. */
  fuelCutAfr: number | null;
  closedThrottlePct: number;
  /** The sensor's valid range: a reading outside it is dropped (per bank). */
  afrMin: number;
  afrMax: number;
  /** The fastest sample rate the lag ring is sized for; faster input leaves the ring short and is counted. */
  maxSampleRateHz: number;
  /** Two operating points further apart than this are a hole in the data: nothing is interpolated across it. */
  maxGapMs: number;
  /** Least squares only: how strongly a cell is held to its current value (in samples' worth) where data is thin. */
  priorWeight: number;
}

export const DEFAULT_VE_ANALYSIS_SETTINGS: Readonly<VeAnalysisSettings> = Object.freeze({
  weighting: 'bilinear',
  minHits: DEFAULT_TUNING_OPTIONS.minHits,
  maxCorrectionPct: DEFAULT_TUNING_OPTIONS.maxCorrectionPct,
  warmupTempC: 70,
  steadyWindowMs: 100,
  maxRpmRatePerS: 2000,
  maxLoadRatePerS: 40,
  lagMs: 100,
  fuelCutAfr: 18,
  closedThrottlePct: 3,
  afrMin: 10,
  afrMax: 20,
  maxSampleRateHz: 200,
  maxGapMs: 250,
  priorWeight: 0.05,
});

/** Points the lag and steady-state window need at the fastest accepted rate, plus the two around each end. */
export function opRingCapacity(s: Pick<VeAnalysisSettings, 'lagMs' | 'steadyWindowMs' | 'maxSampleRateHz'>): number {
  return Math.ceil(((s.lagMs + s.steadyWindowMs) * s.maxSampleRateHz) / 1000) + 3;
}
