export { type AfrErrorMetrics, afrErrorMetrics } from './afr-error-metrics.js';
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
export { isConverged, isOscillating } from './judge-convergence.js';
export { nearestCell } from './nearest-cell.js';
export { DEFAULT_TUNING_OPTIONS, type TuningOptions } from './tuning-options.js';
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
