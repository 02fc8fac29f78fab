import type uPlot from 'uplot';
import { axis } from './chart-theme.js';

export const POWER_COLOR = '#ef4444';
export const TORQUE_COLOR = '#a78bfa';

/** The pull chart's uPlot options: power and torque against RPM, x in 500 rpm steps, y from 0 with headroom. */
export function pullPlotOptions(width: number, height: number, draw: (u: uPlot) => void): uPlot.Options {
  return {
    width: Math.max(200, width),
    height,
    legend: { show: false },
    cursor: { drag: { x: false, y: false } },
    scales: {
      x: {
        time: false,
        range: (_u, min, max) =>
          min === null || max === null ? [1000, 7000] : [Math.floor(min / 500) * 500, Math.ceil(max / 500) * 500],
      },
      y: { range: (_u, _min, max) => [0, Math.max(50, Math.ceil(((max ?? 0) * 1.15) / 25) * 25)] },
    },
    axes: [
      axis({ label: 'RPM', values: (_u, ticks) => ticks.map((t) => String(t)) }),
      axis({ label: 'Power / Torque', size: 56 }),
    ],
    series: [
      {},
      { label: 'Power', stroke: POWER_COLOR, width: 2.5, points: { show: false } },
      { label: 'Torque', stroke: TORQUE_COLOR, width: 2.5, points: { show: false } },
    ],
    hooks: { draw: [draw] },
  };
}
