import type { RunComparisonAnswer } from '@jetdrive-hub/client/contract';
import uPlot from 'uplot';
import { axis, fitToContainer } from './chart-theme.js';
import { setAttr } from './dom.js';
import { LIVE_COLOR, type OverlayData, RUN_COLORS } from './overlay-plot-data.js';

// The compare overlay's two uPlot charts: power and torque per run (solid / dashed in the run's colour, the live
// pull in white on top), and AFR per run below. Rebuilt when the runs change (uPlot's series are fixed at creation).

const CHART_HEIGHT = 320;
const AFR_HEIGHT = 180;

export interface OverlayCharts {
  draw(data: OverlayData, cmp: RunComparisonAnswer): void;
  clear(): void;
}

function seriesOf(cmp: RunComparisonAnswer, live: boolean): uPlot.Series[] {
  const series: uPlot.Series[] = [{}];
  cmp.runs.forEach((r, i) => {
    const stroke = RUN_COLORS[i % RUN_COLORS.length];
    series.push({ label: `${r.name} power`, stroke, width: 2, points: { show: false }, spanGaps: false });
    series.push({ label: `${r.name} torque`, stroke, width: 1.5, dash: [6, 4], points: { show: false } });
  });
  if (live) {
    // The live pull is sampled at the page's rate: a narrow bin (1 mph) it crossed between two samples is bridged.
    series.push({ label: 'Live power', stroke: LIVE_COLOR, width: 3, points: { show: false }, spanGaps: true });
    const dash = [6, 4];
    series.push({ label: 'Live torque', stroke: LIVE_COLOR, width: 2, dash, points: { show: false }, spanGaps: true });
  }
  return series;
}

function chartOptions(width: number, height: number, xLabel: string, yLabel: string, series: uPlot.Series[]) {
  return {
    width: Math.max(200, width),
    height,
    legend: { show: false },
    cursor: { drag: { x: false, y: false } },
    scales: {
      x: { time: false },
      // Power and torque from 0, as dyno sheets draw them; AFR around its values (a 12–14 band would be a flat line).
      y: {
        range: (_u: uPlot, min: number, max: number) =>
          yLabel === 'AFR' ? [Math.floor(min - 0.5), Math.ceil(max + 0.5)] : [Math.min(0, min), max * 1.1],
      },
    },
    axes: [axis({ label: xLabel }), axis({ label: yLabel, size: 56 })],
    series,
  } satisfies uPlot.Options;
}

export function createOverlayCharts(chartBox: HTMLElement, afrBox: HTMLElement): OverlayCharts {
  let chart: uPlot | null = null;
  let afrChart: uPlot | null = null;
  const clear = () => {
    chart?.destroy();
    afrChart?.destroy();
    chart = afrChart = null;
  };
  return {
    clear,
    draw(data, c) {
      clear();
      const first = c.runs[0]?.curves;
      const xLabel = first?.x === 'speed' ? `Speed (${first.units.speed})` : 'RPM';
      const yLabel = first ? `Power (${first.units.power}) / Torque (${first.units.torque})` : '';
      const live = data.columns.length > 1 + 2 * c.runs.length;
      const opts = chartOptions(chartBox.clientWidth, CHART_HEIGHT, xLabel, yLabel, seriesOf(c, live));
      chart = new uPlot(opts, data.columns as uPlot.AlignedData, chartBox);
      fitToContainer(chart, chartBox, CHART_HEIGHT);
      if (data.afr) {
        const afrSeries: uPlot.Series[] = [
          {},
          ...c.runs.map((r, i) => ({
            label: `${r.name} AFR`,
            stroke: RUN_COLORS[i % RUN_COLORS.length],
            width: 1.5,
            points: { show: false },
          })),
        ];
        const afrOpts = chartOptions(afrBox.clientWidth, AFR_HEIGHT, xLabel, 'AFR', afrSeries);
        afrChart = new uPlot(afrOpts, data.afr as uPlot.AlignedData, afrBox);
        fitToContainer(afrChart, afrBox, AFR_HEIGHT);
      }
      setAttr(chartBox, 'data-points', String(data.columns[1]?.filter((v) => v !== null).length ?? 0));
      setAttr(chartBox, 'data-live-points', String(data.livePoints));
    },
  };
}
