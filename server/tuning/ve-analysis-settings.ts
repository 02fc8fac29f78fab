import type { AnalysisSettings } from '@jetdrive-hub/client/contract';
import { DEFAULT_TUNING_OPTIONS } from './tuning-options.js';

// The live analysis' settings and their defaults. Every sample a filter rejects is counted in the result, so a grid
// that stays empty says why.

export type CellWeighting = AnalysisSettings['weighting'];

/** The wire settings (meanings in the contract) without the lambda conversion, which the live layer does. */
export interface VeAnalysisSettings extends Omit<AnalysisSettings, 'stoichAfr'> {
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
