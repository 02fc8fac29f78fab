// The one RPM × MAP grid shared by the virtual ECU (sim/) and the tuning math (tuning/), and the one AFR
// target table (the older system had three different targets; see ../shared/origin/system.md §6.2).

export const RPM_AXIS: readonly number[] = Object.freeze([
  1500, 2000, 2500, 3000, 3500, 4000, 4500, 5000, 5500, 6000, 6500,
]);
export const MAP_AXIS: readonly number[] = Object.freeze([20, 30, 40, 50, 60, 70, 80, 90, 100]);
export const GRID_CELLS = RPM_AXIS.length * MAP_AXIS.length; // 99

/** A table over the grid, row-major by RPM: index = rpmIndex * MAP_AXIS.length + mapIndex. */
export type GridTable = Float64Array;

export const VE_MIN = 0.3;
export const VE_MAX = 1.5;

export function cellIndex(rpmIndex: number, mapIndex: number): number {
  return rpmIndex * MAP_AXIS.length + mapIndex;
}

export function createGridTable(fill: (rpm: number, map: number) => number): GridTable {
  const table = new Float64Array(GRID_CELLS);
  for (let r = 0; r < RPM_AXIS.length; r++) {
    for (let m = 0; m < MAP_AXIS.length; m++) table[cellIndex(r, m)] = fill(RPM_AXIS[r], MAP_AXIS[m]);
  }
  return table;
}

/** Fractional position of v on an evenly spaced axis, clamped to the axis ends. */
function axisPosition(axis: readonly number[], v: number): number {
  const step = axis[1] - axis[0];
  const p = (v - axis[0]) / step;
  if (!(p > 0)) return 0;
  return Math.min(p, axis.length - 1);
}

/** Bilinear lookup, clamped at the grid edges (no extrapolation: a table never reads beyond its own cells). */
export function lookupGrid(table: GridTable, rpm: number, map: number): number {
  const pr = axisPosition(RPM_AXIS, rpm);
  const pm = axisPosition(MAP_AXIS, map);
  const r0 = Math.min(Math.floor(pr), RPM_AXIS.length - 2);
  const m0 = Math.min(Math.floor(pm), MAP_AXIS.length - 2);
  const fr = pr - r0;
  const fm = pm - m0;
  const a = table[cellIndex(r0, m0)];
  const b = table[cellIndex(r0, m0 + 1)];
  const c = table[cellIndex(r0 + 1, m0)];
  const d = table[cellIndex(r0 + 1, m0 + 1)];
  return (a * (1 - fm) + b * fm) * (1 - fr) + (c * (1 - fm) + d * fm) * fr;
}

export const AFR_CRUISE = 14.0;
export const AFR_WOT = 12.5;

/** The AFR target table: 14.0 at cruise (20 kPa) to 12.5 at WOT (100 kPa), rpm-independent. */
export function createAfrTargetTable(cruise = AFR_CRUISE, wot = AFR_WOT): GridTable {
  return createGridTable((_rpm, map) => cruise + (wot - cruise) * Math.min(1, Math.max(0, (map - 20) / 80)));
}

/** Baseline VE of the older system (§6.4): a hump around 4000 rpm, rising with MAP, in [0.4, 1.2]. */
export function createBaselineVeTable(peak = 0.85, peakRpm = 4000): GridTable {
  return createGridTable((rpm, map) => {
    const v = peak * Math.exp(-0.5 * ((rpm / peakRpm - 1) / 0.4) ** 2) * (0.7 + (0.3 * map) / 100);
    return Math.min(1.2, Math.max(0.4, v));
  });
}
