import type { RunComparisonAnswer } from '@jetdrive-hub/client/contract';
import type { UnitConversion } from '../../mapping/unit-conversion.js';
import type { PullPoint } from './pull.js';

// The compare overlay's plot data, pure: the hub's comparison (every run on one grid, already corrected, smoothed and
// in the page's units) as uPlot columns, plus the live pull binned onto the same grid (RPM or road speed), under the
// baselines' correction standard for the live air, so it draws over the baselines like for like.

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

/**
 * Mean of the live points per grid bin: a point with x belongs to bin round(x / width), the hub's own binning rule
 * (server/curves/bin-on-grid.ts), so live and recorded curves share their bins. Points without an x are skipped.
 */
export function binLive(
  grid: readonly number[],
  binWidth: number,
  points: readonly PullPoint[],
  xOf: (p: PullPoint) => number | null,
  yOf: (p: PullPoint) => number,
): Column {
  const sums = new Map<number, { sum: number; n: number }>();
  for (const p of points) {
    const x = xOf(p);
    if (x === null || !Number.isFinite(x)) continue;
    const k = Math.round(x / binWidth);
    const s = sums.get(k) ?? { sum: 0, n: 0 };
    s.sum += yOf(p);
    s.n++;
    sums.set(k, s);
  }
  return grid.map((g) => {
    const s = sums.get(Math.round(g / binWidth));
    return s ? s.sum / s.n : null;
  });
}

export interface LiveInput {
  points: readonly PullPoint[];
  /** Road speed (km/h on the wire) in the page's unit: the x of the live points on a speed grid. */
  speed: UnitConversion;
  power: UnitConversion;
  torque: UnitConversion;
  /** The baselines' correction standard's factor for the live air (1 uncorrected). */
  factor: number;
}

const convert = (c: UnitConversion, v: number) => v * c.factor + c.offset;

/** The live pull's power and torque on the comparison's grid, corrected and in the page's units. */
function liveColumns(cmp: RunComparisonAnswer, live: LiveInput): [Column, Column] {
  const curves = cmp.runs[0]?.curves;
  const width = curves?.binWidth ?? 50;
  const xOf =
    curves?.x === 'speed'
      ? (p: PullPoint) => (p.speed === undefined ? null : convert(live.speed, p.speed))
      : (p: PullPoint) => p.rpm;
  return [
    binLive(cmp.x, width, live.points, xOf, (p) => convert(live.power, p.power * live.factor)),
    binLive(cmp.x, width, live.points, xOf, (p) => convert(live.torque, p.torque * live.factor)),
  ];
}

export function overlayPlotData(cmp: RunComparisonAnswer, live: LiveInput | null): OverlayData {
  const columns: Column[] = [cmp.x];
  for (const r of cmp.runs) columns.push(r.power, r.torque);
  let livePoints = 0;
  if (live && cmp.x.length > 0) {
    const [power, torque] = liveColumns(cmp, live);
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
