import uPlot from 'uplot';
import type { Quantity } from '../../mapping/quantities.js';
import { displayConversion, type UnitConversion, type UnitSystem } from '../../mapping/unit-conversion.js';
import { axis, fitToContainer } from './chart-theme.js';
import { el, setText } from './dom.js';
import { createTimeWindow } from './create-time-window.js';

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

export function createLiveChart(
  container: HTMLElement,
  legend: HTMLElement,
  options: Partial<LiveChartOptions> = {},
): LiveChart {
  const opts = { ...DEFAULT_LIVE_CHART_OPTIONS, ...options };
  const n = LIVE_SERIES.length;
  // Columns: n values, then n lows, then n highs.
  const rows = createTimeWindow(3 * n, Math.ceil(opts.windowSec * opts.hz) + opts.hz);
  const latest = LIVE_SERIES.map(() => ({
    value: null as number | null,
    at: 0,
    unitCode: 255,
    lo: Number.POSITIVE_INFINITY,
    hi: Number.NEGATIVE_INFINITY,
  }));
  const legendLabels = LIVE_SERIES.map((s) => el('span', { style: `--c: ${s.color}` }, s.label));
  legend.append(...legendLabels);
  let system: UnitSystem = 'imperial';
  let conversions: UnitConversion[] = [];
  let lastRowAt = 0;
  let points = 0;

  function refreshConversions(): void {
    conversions = LIVE_SERIES.map((s, i) => displayConversion(latest[i].unitCode, system, s.quantity));
    LIVE_SERIES.forEach((s, i) => {
      const unit = conversions[i].label;
      setText(legendLabels[i], unit ? `${s.label} (${unit})` : s.label);
    });
  }
  refreshConversions();

  const chart = new uPlot(
    {
      width: Math.max(200, container.clientWidth),
      height: opts.height,
      legend: { show: false },
      cursor: { drag: { x: false, y: false } },
      scales: {
        x: { time: false, range: [-opts.windowSec, 0] },
        rpm: { range: (_u, _min, max) => [0, Math.max(1000, Math.ceil((max ?? 0) / 1000) * 1000)] },
        pt: { range: (_u, _min, max) => [0, Math.max(50, Math.ceil((max ?? 0) / 25) * 25)] },
        afr: { range: [9, 18] },
      },
      axes: [
        axis({ values: (_u, ticks) => ticks.map((t) => `${t}s`) }),
        axis({ scale: 'rpm', label: 'RPM', size: 56 }),
        axis({ scale: 'pt', side: 1, label: 'Power / Torque', grid: { show: false }, size: 50 }),
        axis({ scale: 'afr', side: 1, label: 'AFR', grid: { show: false }, size: 44 }),
      ],
      series: [
        {},
        ...LIVE_SERIES.map((s) => ({
          label: s.label,
          stroke: s.color,
          width: 2,
          scale: s.scale,
          spanGaps: false,
          points: { show: false },
        })),
        ...[...LIVE_SERIES, ...LIVE_SERIES].map((s) => ({
          stroke: 'transparent',
          width: 0,
          scale: s.scale,
          spanGaps: false,
          points: { show: false },
        })),
      ],
      bands: LIVE_SERIES.map((s, i) => ({
        series: [1 + 2 * n + i, 1 + n + i] as [number, number],
        fill: `${s.color}33`,
      })),
    },
    [[], ...Array.from({ length: 3 * n }, (): (number | null)[] => [])],
    container,
  );
  fitToContainer(chart, container, opts.height);

  return {
    set(quantity, value, min, max, unitCode, receivedAt) {
      const i = LIVE_SERIES.findIndex((s) => s.quantity === quantity);
      if (i < 0) return;
      const slot = latest[i];
      slot.value = value;
      slot.at = receivedAt;
      slot.lo = Math.min(slot.lo, min ?? value, value);
      slot.hi = Math.max(slot.hi, max ?? value, value);
      if (slot.unitCode !== unitCode) {
        slot.unitCode = unitCode;
        refreshConversions();
      }
    },
    setSystem(next) {
      system = next;
      refreshConversions();
      lastRowAt = 0;
    },
    frame(now) {
      if (now - lastRowAt < 1000 / opts.hz) return;
      lastRowAt = now;
      const fresh = latest.map((s) => s.value !== null && now - s.at <= opts.staleMs);
      rows.push(now / 1000, [
        ...latest.map((s, i) => (fresh[i] ? s.value : null)),
        ...latest.map((s, i) => (fresh[i] && Number.isFinite(s.lo) ? s.lo : null)),
        ...latest.map((s, i) => (fresh[i] && Number.isFinite(s.hi) ? s.hi : null)),
      ]);
      // The next row's envelope starts from the value this row ended on.
      for (const s of latest) {
        s.lo = s.value ?? Number.POSITIVE_INFINITY;
        s.hi = s.value ?? Number.NEGATIVE_INFINITY;
      }
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
