export { type AfrErrorMetrics, afrErrorMetrics } from './afr-error-metrics.js';
export {
  type AnalysisAxes,
  axisPosition,
  bilinearWeights,
  type CellWeights,
  checkAxis,
  MAX_AXIS_POINTS,
} from './analysis-axes.js';
export { applyCorrections } from './apply-corrections.js';
export {
  binSample,
  binSamples,
  type CellBins,
  type CylinderBins,
  createCellBins,
  type TuneSample,
} from './cell-bins.js';
export { type Corrections, computeCorrections } from './compute-corrections.js';
export { cumulativeCorrectionPct } from './cumulative-correction.js';
export {
  defaultAfrTargetTable,
  defaultAxes,
  defaultTargetAfr,
  defaultVeTable,
  type LoadKind,
  TPS_AXIS,
} from './default-analysis-tables.js';
export { isConverged, isOscillating } from './judge-convergence.js';
export { nearestCell } from './nearest-cell.js';
export { DEFAULT_TUNING_OPTIONS, type TuningOptions } from './tuning-options.js';
export {
  type AnalysisSample,
  type BankResult,
  MAX_BANKS,
  VeAnalysis,
  type VeAnalysisCounts,
  type VeAnalysisInput,
} from './ve-analysis.js';
export {
  type CellWeighting,
  DEFAULT_VE_ANALYSIS_SETTINGS,
  opRingCapacity,
  type VeAnalysisSettings,
} from './ve-analysis-settings.js';
export { veErrorPct } from './ve-error-pct.js';
export {
  AFR_CRUISE,
  AFR_WOT,
  cellIndex,
  createAfrTargetTable,
  createBaselineVeTable,
  createGridTable,
  GRID_CELLS,
  type GridTable,
  lookupGrid,
  MAP_AXIS,
  RPM_AXIS,
  VE_MAX,
  VE_MIN,
} from './ve-grid.js';
export {
  type CsvLayout,
  defaultCsvLayout,
  formatVeTableCsv,
  parseVeTableCsv,
  type VeTableCsv,
  VeTableCsvError,
} from './ve-table-csv.js';
