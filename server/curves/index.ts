// Run analysis, pure (no I/O, no timers): corrected power and torque curves of a run's channel series, smoothing,
// peaks, overlays of several runs, and the CSV time / curve exports and the CSV import. The run library wires it.
export { type CompareInput, compareRuns, MAX_COMPARE_RUNS, type RunComparison } from './compare-runs.js';
export {
  type CurvePeaks,
  type CurveSet,
  computeRunCurves,
  type PeakAt,
  type RunCurves,
} from './compute-run-curves.js';
export {
  CORRECTION_STANDARDS,
  type CorrectionFactor,
  type CorrectionStandard,
  correctionFactor,
  isCorrectionStandard,
  STANDARD_DEFINITIONS,
  saturationVaporPressureKpa,
} from './correction-standards.js';
export {
  CURVE_X_AXES,
  type CurveOptions,
  type CurveXAxis,
  DEFAULT_RPM_BIN,
  resolveCurveOptions,
} from './curve-options.js';
export { CURVES_ERROR_STATUS, CurvesError, type CurvesErrorCode } from './curves-error.js';
export { exportCurveCsv } from './export-curve-csv.js';
export { exportTimeCsv, MAX_TIME_EXPORT_ROWS } from './export-time-csv.js';
export { MIXTURE_QUANTITIES, type MixtureQuantity } from './extract-pull.js';
export { findCrossings, findPeak } from './find-peak.js';
export { guessQuantity, type QuantityResolver } from './guess-quantity.js';
export { type CsvImport, DEFAULT_CSV_IMPORT_LIMITS, importRunCsv } from './import-run-csv.js';
export { type RunSheetInput, type RunSheetRun, renderRunSheet } from './render-run-sheet.js';
export { DEFAULT_RUN_ATMOSPHERE, type RunAtmosphere, runAtmosphere } from './run-atmosphere.js';
export { TIME_EXPORT_STEP_MS } from './run-csv-format.js';
export { type SiConversion, siConversion } from './si-units.js';
export { MAX_SMOOTHING, smoothCurve } from './smooth-curve.js';
export type { Atmosphere, RunSeries, SeriesChannel } from './types.js';
