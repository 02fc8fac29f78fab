import type { RunComparisonAnswer } from '@jetdrive-hub/client/contract';
import type { UnitConversion } from '../../mapping/unit-conversion.js';
import type { PullPoint } from './pull.js';

// The compare overlay's plot data, pure: the hub's comparison (every run on one grid, already corrected, smoothed and
// in the page's units) as uPlot columns, plus the live pull binned onto the same grid so it draws over the baselines.

/** One colour per run (up to 8, the compare limit), told apart on the dark theme and in print. */
export const RUN_COLORS = ['#38bdf8', '#f59e0b', '#22c55e', '#f472b6', '#a78bfa', '#facc15', '#fb7185', '#2dd4bf'];
export const LIVE_COLOR = '#ffffff';

export type Column = (number | null)[];

export interface OverlayData {
  /** x, then per run power and torque, then (when given) live power and torque. */
  columns: Column[];
  /** AFR per run on the same grid (the front bank, else the first bank the run has); null when no run has one. */
  afr: Column[] | null;
  /** Live points that fell on the grid. */
  livePoints: number;
}

function aligned(grid: readonly number[], x: readonly number[], y: readonly number[] | undefined): Column {
  const at = new Map<number, number>();
  if (y) for (let i = 0; i < x.length; i++) at.set(x[i], y[i]);
  return grid.map((g) => at.get(g) ?? null);
}

/** Mean of the live points within half a bin of each grid value (RPM grids only: the live pull has no speed). */
export function binLive(
  grid: readonly number[],
  binWidth: number,
  points: readonly PullPoint[],
  pick: (p: PullPoint) => number,
): Column {
  const sums = grid.map(() => 0);
  const counts = grid.map(() => 0);
  if (grid.length === 0) return [];
  const first = grid[0];
  for (const p of points) {
    const k = Math.round((p.rpm - first) / binWidth);
    if (k < 0 || k >= grid.length || Math.abs(grid[k] - p.rpm) > binWidth / 2) continue;
    sums[k] += pick(p);
    counts[k]++;
  }
  return grid.map((_, i) => (counts[i] > 0 ? sums[i] / counts[i] : null));
}

export interface LiveInput {
  points: readonly PullPoint[];
  power: UnitConversion;
  torque: UnitConversion;
}

export function overlayPlotData(cmp: RunComparisonAnswer, live: LiveInput | null): OverlayData {
  const columns: Column[] = [cmp.x];
  for (const r of cmp.runs) columns.push(r.power, r.torque);
  let livePoints = 0;
  const binWidth = cmp.runs[0]?.curves.binWidth ?? 50;
  // The grid is even (k × width), but a run may leave gaps: bin on the full even grid, then pick the grid's values.
  if (live && cmp.runs[0]?.curves.x === 'rpm' && cmp.x.length > 0) {
    const even = Array.from(
      { length: Math.round((cmp.x[cmp.x.length - 1] - cmp.x[0]) / binWidth) + 1 },
      (_, i) => cmp.x[0] + i * binWidth,
    );
    const index = new Map(even.map((g, i) => [g, i]));
    const pick = (col: Column) => cmp.x.map((g) => col[index.get(g) ?? -1] ?? null);
    const power = pick(binLive(even, binWidth, live.points, (p) => p.power * live.power.factor + live.power.offset));
    const torque = pick(
      binLive(even, binWidth, live.points, (p) => p.torque * live.torque.factor + live.torque.offset),
    );
    livePoints = power.filter((v) => v !== null).length;
    columns.push(power, torque);
  }
  const afrOf = (r: RunComparisonAnswer['runs'][number]) => {
    const m = r.curves.curves.mixture;
    return m.afr_front ?? m.afr_rear;
  };
  const hasAfr = cmp.runs.some((r) => afrOf(r) !== undefined);
  const afr = hasAfr ? [cmp.x, ...cmp.runs.map((r) => aligned(cmp.x, r.curves.curves.x, afrOf(r)))] : null;
  return { columns, afr, livePoints };
}
