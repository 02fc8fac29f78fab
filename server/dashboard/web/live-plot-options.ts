import type uPlot from 'uplot';
import { axis } from './chart-theme.js';

export interface LiveSeries {
  label: string;
  color: string;
  scale: string;
}

/** Band fill: the series colour at 20 % opacity (hex alpha). */
const BAND_ALPHA = '33';
const MIN_WIDTH = 200;
const AFR_RANGE: [number, number] = [9, 18];

/** Rounds a scale's top up to `step`, at least `floor`. */
const upTo =
  (floor: number, step: number) =>
  (_u: uPlot, _min: number, max: number): [number, number] => [0, Math.max(floor, Math.ceil((max ?? 0) / step) * step)];

/**
 * The live chart's uPlot options: time axis over the window (seconds before now), RPM on the left, power/torque and
 * AFR on the right; per series a line, then an invisible low and high series joined by a faint band.
 */
export function livePlotOptions(
  series: readonly LiveSeries[],
  width: number,
  height: number,
  windowSec: number,
): uPlot.Options {
  const n = series.length;
  const hidden = (s: LiveSeries) => ({
    stroke: 'transparent',
    width: 0,
    scale: s.scale,
    spanGaps: false,
    points: { show: false },
  });
  return {
    width: Math.max(MIN_WIDTH, width),
    height,
    legend: { show: false },
    cursor: { drag: { x: false, y: false } },
    scales: {
      x: { time: false, range: [-windowSec, 0] },
      rpm: { range: upTo(1000, 1000) },
      pt: { range: upTo(50, 25) },
      afr: { range: AFR_RANGE },
    },
    axes: [
      axis({ label: 'Seconds ago', values: (_u, ticks) => ticks.map((t) => `${t}s`) }),
      axis({ scale: 'rpm', label: 'RPM', size: 56 }),
      axis({ scale: 'pt', side: 1, label: 'Power / Torque', grid: { show: false }, size: 50 }),
      axis({ scale: 'afr', side: 1, label: 'AFR', grid: { show: false }, size: 44 }),
    ],
    series: [
      {},
      ...series.map((s) => ({
        label: s.label,
        stroke: s.color,
        width: 2,
        scale: s.scale,
        spanGaps: false,
        points: { show: false },
      })),
      ...[...series, ...series].map(hidden),
    ],
    bands: series.map((s, i) => ({
      series: [1 + 2 * n + i, 1 + n + i] as [number, number],
      fill: `${s.color}${BAND_ALPHA}`,
    })),
  };
}
