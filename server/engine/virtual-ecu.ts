import { createBaselineVeTable, GRID_CELLS, type GridTable, lookupGrid, VE_MAX, VE_MIN } from '../tuning/ve-grid.js';

export type Cylinder = 'front' | 'rear';

export interface VirtualEcuOptions {
  /** The ECU's VE tables (what a tuner corrects). Read live: editing them in place changes the next frame. */
  veFront: GridTable;
  veRear: GridTable;
  /** The single AFR target table (createAfrTargetTable()). */
  afrTarget: GridTable;
  /** The engine's real VE per cylinder; default: the baseline table, so a corrected table can converge to it. */
  trueVeFront?: GridTable;
  trueVeRear?: GridTable;
}

export interface VirtualEcu {
  readonly veFront: GridTable;
  readonly veRear: GridTable;
  readonly afrTarget: GridTable;
  readonly trueVeFront: GridTable;
  readonly trueVeRear: GridTable;
  targetAfr(gridRpm: number, mapKpa: number): number;
  tableVe(cyl: Cylinder, gridRpm: number, mapKpa: number): number;
  trueVe(cyl: Cylinder, gridRpm: number, mapKpa: number): number;
  /**
   * The AFR the mixture really has (before sensor noise): target × true VE / table VE. The ECU meters fuel for the
   * air it believes enters (table VE); more real air than that (table too low) means a lean mixture, a high AFR.
   */
  mixtureAfr(cyl: Cylinder, gridRpm: number, mapKpa: number): number;
}

function checkTable(field: string, t: GridTable): GridTable {
  if (!(t instanceof Float64Array) || t.length !== GRID_CELLS) {
    throw new RangeError(`${field}: expected a GridTable of ${GRID_CELLS} cells, got ${t?.length ?? 'none'}`);
  }
  return t;
}

function clampVe(v: number): number {
  return Math.min(VE_MAX, Math.max(VE_MIN, v));
}

export function createVirtualEcu(options: VirtualEcuOptions): VirtualEcu {
  const veFront = checkTable('veFront', options.veFront);
  const veRear = checkTable('veRear', options.veRear);
  const afrTarget = checkTable('afrTarget', options.afrTarget);
  const baseline = options.trueVeFront && options.trueVeRear ? null : createBaselineVeTable();
  const trueVeFront = checkTable('trueVeFront', options.trueVeFront ?? (baseline as GridTable));
  const trueVeRear = checkTable('trueVeRear', options.trueVeRear ?? (baseline as GridTable));
  const tableVe = (cyl: Cylinder, gridRpm: number, mapKpa: number): number =>
    clampVe(lookupGrid(cyl === 'front' ? veFront : veRear, gridRpm, mapKpa));
  const trueVe = (cyl: Cylinder, gridRpm: number, mapKpa: number): number =>
    lookupGrid(cyl === 'front' ? trueVeFront : trueVeRear, gridRpm, mapKpa);
  const targetAfr = (gridRpm: number, mapKpa: number): number => lookupGrid(afrTarget, gridRpm, mapKpa);
  return {
    veFront,
    veRear,
    afrTarget,
    trueVeFront,
    trueVeRear,
    targetAfr,
    tableVe,
    trueVe,
    mixtureAfr: (cyl, gridRpm, mapKpa) =>
      (targetAfr(gridRpm, mapKpa) * trueVe(cyl, gridRpm, mapKpa)) / tableVe(cyl, gridRpm, mapKpa),
  };
}
