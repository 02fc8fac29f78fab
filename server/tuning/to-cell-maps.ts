import type { CellGrid, CellMaps } from '@jetdrive-hub/client/contract';
import type { CellBins, CylinderBins } from './cell-bins.js';
import type { Corrections } from './compute-corrections.js';
import { cellIndex, type GridTable, MAP_AXIS, RPM_AXIS } from './ve-grid.js';

const r3 = (v: number): number => Math.round(v * 1000) / 1000;

function grid(value: (cell: number) => number | null): CellGrid {
  return RPM_AXIS.map((_, r) => MAP_AXIS.map((_m, m) => value(cellIndex(r, m))));
}

/**
 * The iteration's per-cell picture: mean AFR error where a cell has at least `minHits` samples (the same cells the
 * corrections and the convergence rule judge), and the correction applied there (`corrections` null: none applied).
 */
export function toCellMaps(
  bins: CellBins,
  corrections: Pick<Corrections, 'front' | 'rear'> | null,
  minHits: number,
): CellMaps {
  const judged = (cell: number) => bins.hits[cell] >= minHits;
  const afr = (cyl: CylinderBins) => grid((c) => (judged(c) ? r3(cyl.errSum[c] / bins.hits[c]) : null));
  const ve = (table: GridTable | null) => grid((c) => (judged(c) ? (table ? r3((table[c] - 1) * 100) : 0) : null));
  return {
    rpm_axis: [...RPM_AXIS],
    map_axis: [...MAP_AXIS],
    afr_error: { front: afr(bins.front), rear: afr(bins.rear) },
    ve_correction_pct: { front: ve(corrections?.front ?? null), rear: ve(corrections?.rear ?? null) },
    hits: RPM_AXIS.map((_, r) => MAP_AXIS.map((_m, m) => bins.hits[cellIndex(r, m)])),
  };
}
