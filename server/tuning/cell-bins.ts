import { nearestCell } from './nearest-cell.js';
import { GRID_CELLS, type GridTable, lookupGrid } from './ve-grid.js';

/** One sample of a pull as the tuning math sees it: rpm on the grid's axis (already divided by gridRpmScale). */
export interface TuneSample {
  rpm: number;
  map: number;
  afrFront: number;
  afrRear: number;
}

export interface CylinderBins {
  /** Σ measured / target, per cell: the mean is the VE multiplier the cell needs. */
  ratioSum: Float64Array;
  /** Σ (measured − target), per cell (AFR points, signed: positive = lean). */
  errSum: Float64Array;
}

/** Per-cell accumulators for one iteration's pulls. Filled chunk by chunk, so no pull is ever held in memory whole. */
export interface CellBins {
  hits: Uint32Array;
  front: CylinderBins;
  rear: CylinderBins;
  /** Samples outside the grid (by more than half a step) or with a non-finite value. */
  dropped: number;
  total: number;
}

function createCylinderBins(): CylinderBins {
  return { ratioSum: new Float64Array(GRID_CELLS), errSum: new Float64Array(GRID_CELLS) };
}

export function createCellBins(): CellBins {
  return {
    hits: new Uint32Array(GRID_CELLS),
    front: createCylinderBins(),
    rear: createCylinderBins(),
    dropped: 0,
    total: 0,
  };
}

/**
 * Adds one sample. The error is taken against the target at the sample's own (rpm, map), not at the cell's node,
 * so a sample 5 kPa off the node is not blamed for the target's slope across the cell.
 */
export function binSample(bins: CellBins, afrTarget: GridTable, s: TuneSample): void {
  bins.total++;
  const cell = Number.isFinite(s.afrFront) && Number.isFinite(s.afrRear) ? nearestCell(s.rpm, s.map) : -1;
  if (cell < 0) {
    bins.dropped++;
    return;
  }
  const target = lookupGrid(afrTarget, s.rpm, s.map);
  bins.hits[cell]++;
  bins.front.ratioSum[cell] += s.afrFront / target;
  bins.front.errSum[cell] += s.afrFront - target;
  bins.rear.ratioSum[cell] += s.afrRear / target;
  bins.rear.errSum[cell] += s.afrRear - target;
}

export function binSamples(bins: CellBins, afrTarget: GridTable, samples: Iterable<TuneSample>): CellBins {
  for (const s of samples) binSample(bins, afrTarget, s);
  return bins;
}
