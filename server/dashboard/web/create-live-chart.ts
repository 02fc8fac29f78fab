import uPlot from 'uplot';
import type { Quantity } from '../../mapping/quantities.js';
import { displayConversion, type UnitConversion, type UnitSystem } from '../../mapping/unit-conversion.js';
import { fitToContainer } from './chart-theme.js';
import { createTimeWindow } from './create-time-window.js';
import { el, setText } from './dom.js';
import { legendText } from './legend-text.js';
import { livePlotOptions } from './live-plot-options.js';
import { SeriesEnvelopes } from './series-envelopes.js';

// The last 30 s of RPM, power, torque and AFR. Rows are taken at a fixed rate (the rate the page subscribes at)
// from the latest value of each series, so the chart's cost does not depend on how fast channels arrive. The
// subscription's envelope (min/max of each period) is drawn as a faint band around each line, so a one-sample
// spike between two rows still shows.

export const LIVE_SERIES: readonly { quantity: Quantity; label: string; color: string; scale: string }[] = [
  { quantity: 'rpm', label: 'RPM', color: '#4ade80', scale: 'rpm' },
  { quantity: 'power', label: 'Power', color: '#ef4444', scale: 'pt' },
  { quantity: 'torque', label: 'Torque', color: '#a78bfa', scale: 'pt' },
  { quantity: 'afr_front', label: 'AFR', color: '#f472b6', scale: 'afr' },
];

export interface LiveChartOptions {
  windowSec: number;
  /** Rows per second; match the subscription's maxHz. */
  hz: number;
  height: number;
  /** A series whose last value is older than this draws a gap. */
  staleMs: number;
}

export const DEFAULT_LIVE_CHART_OPTIONS: LiveChartOptions = { windowSec: 30, hz: 20, height: 300, staleMs: 2000 };

export interface LiveChart {
  /** min/max: the period's envelope when the subscription has one. */
  set(
    quantity: string,
    value: number,
    min: number | undefined,
    max: number | undefined,
    unitCode: number,
    receivedAt: number,
  ): void;
  setSystem(system: UnitSystem): void;
  frame(now: number): void;
  /** Rows in the window with at least one value (the e2e test reads it from data-points). */
  readonly points: number;
}

/** Each series has three columns: value, low, high. */
const COLUMNS_PER_SERIES = 3;

export function createLiveChart(
  container: HTMLElement,
  legend: HTMLElement,
  options: Partial<LiveChartOptions> = {},
): LiveChart {
  const opts = { ...DEFAULT_LIVE_CHART_OPTIONS, ...options };
  const n = LIVE_SERIES.length;
  // Columns: n values, then n lows, then n highs; the window keeps one extra second of rows.
  const rows = createTimeWindow(COLUMNS_PER_SERIES * n, Math.ceil(opts.windowSec * opts.hz) + opts.hz);
  const latest = new SeriesEnvelopes(n);
  const legendLabels = LIVE_SERIES.map((s) => el('span', { style: `--c: ${s.color}` }, s.label));
  legend.append(...legendLabels);
  let system: UnitSystem = 'imperial';
  let conversions: UnitConversion[] = [];
  let lastRowAt = 0;
  let points = 0;

  function refreshConversions(): void {
    conversions = LIVE_SERIES.map((s, i) => displayConversion(latest.unitCode(i), system, s.quantity));
    LIVE_SERIES.forEach((s, i) => {
      const unit = conversions[i].label;
      setText(legendLabels[i], legendText(s.label, unit));
    });
  }
  refreshConversions();

  const plotOptions = livePlotOptions(LIVE_SERIES, container.clientWidth, opts.height, opts.windowSec);
  const empty = [[], ...Array.from({ length: COLUMNS_PER_SERIES * n }, (): (number | null)[] => [])];
  const chart = new uPlot(plotOptions, empty as uPlot.AlignedData, container);
  fitToContainer(chart, container, opts.height);

  return {
    set(quantity, value, min, max, unitCode, receivedAt) {
      const i = LIVE_SERIES.findIndex((s) => s.quantity === quantity);
      if (i < 0) return;
      if (latest.set(i, value, min, max, unitCode, receivedAt)) refreshConversions();
    },
    setSystem(next) {
      system = next;
      refreshConversions();
      lastRowAt = 0;
    },
    frame(now) {
      if (now - lastRowAt < 1000 / opts.hz) return;
      lastRowAt = now;
      rows.push(now / 1000, latest.row(now, opts.staleMs));
      const [times, ...series] = rows.columns(now / 1000 - opts.windowSec);
      const x = times.map((t) => (t ?? 0) - now / 1000);
      const ys = series.map((col, k) => {
        const c = conversions[k % n];
        return col.map((v) => (v === null ? null : v * c.factor + c.offset));
      });
      points = 0;
      for (let r = 0; r < x.length; r++) if (ys.slice(0, n).some((col) => col[r] !== null)) points++;
      container.dataset.points = String(points);
      chart.setData([x, ...ys] as uPlot.AlignedData);
    },
    get points() {
      return points;
    },
  };
}
