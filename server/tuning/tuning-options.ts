// Numbers of the closed-loop VE tuning a user might tune; the session config maps its snake_case fields onto these.

export interface TuningOptions {
  /** A cell's VE is corrected (and its error judged) only with at least this many samples. */
  minHits: number;
  /** Per-iteration clamp on a cell's VE correction, in percent (±). */
  maxCorrectionPct: number;
  /** Corrections smaller than this (percent) are left out: they are sensor noise, not fuelling error. */
  correctionDeadbandPct: number;
  /** A cell is converged when its mean AFR error (AFR points) is below this. */
  thresholdAfr: number;
  /** Share of the judged cells (percent) that must be converged. */
  convergenceCellPct: number;
  /** Oscillation: max AFR error rising by more than this two iterations running. */
  oscillationRiseAfr: number;
}

export const DEFAULT_TUNING_OPTIONS: Readonly<TuningOptions> = Object.freeze({
  minHits: 3,
  maxCorrectionPct: 15,
  correctionDeadbandPct: 0.5,
  thresholdAfr: 0.3,
  convergenceCellPct: 90,
  oscillationRiseAfr: 0.1,
});
