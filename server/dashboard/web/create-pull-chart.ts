import uPlot from 'uplot';
import { displayConversion, type UnitConversion, type UnitSystem } from '../../mapping/unit-conversion.js';
import { binByRpm } from './bin-by-rpm.js';
import { axis, fitToContainer } from './chart-theme.js';
import { el } from './dom.js';
import { formatValue } from './format-value.js';
import type { Pull } from './create-pull-tracker.js';

// Power and torque against RPM for the current (or last) pull, with the peaks marked the way a dyno sheet does.

const POWER_COLOR = '#ef4444';
const TORQUE_COLOR = '#a78bfa';
const POWER_UNIT = 4;
const TORQUE_UNIT = 5;

export interface PullChartOptions {
  height: number;
  binRpm: number;
}

export const DEFAULT_PULL_CHART_OPTIONS: PullChartOptions = { height: 300, binRpm: 50 };

export interface PullChart {
  show(pull: Pull | null, pullNumber: number): void;
  setSystem(system: UnitSystem): void;
}

function convert(c: UnitConversion, v: number): number {
  return v * c.factor + c.offset;
}

export function createPullChart(
  container: HTMLElement,
  info: HTMLElement,
  options: Partial<PullChartOptions> = {},
): PullChart {
  const opts = { ...DEFAULT_PULL_CHART_OPTIONS, ...options };
  let system: UnitSystem = 'imperial';
  let power = displayConversion(POWER_UNIT, system);
  let torque = displayConversion(TORQUE_UNIT, system);
  let pull: Pull | null = null;
  let number = 0;

  function drawPeaks(u: uPlot): void {
    if (!pull) return;
    const marks = [
      { peak: pull.peakPower, c: power, color: POWER_COLOR },
      { peak: pull.peakTorque, c: torque, color: TORQUE_COLOR },
    ];
    const ctx = u.ctx;
    const dpr = uPlot.pxRatio;
    const bottom = u.bbox.top + u.bbox.height;
    ctx.save();
    // Markers on the curves, and the peak figures in a box in the plot's top-left corner, where the curves
    // (which start low at low RPM) never are, so labels cannot collide with each other or with a curve.
    const lines: { text: string; color: string }[] = [];
    for (const { peak, c, color } of marks) {
      if (!peak) continue;
      const value = convert(c, peak.value);
      const x = u.valToPos(peak.rpm, 'x', true);
      const y = u.valToPos(value, 'y', true);
      ctx.strokeStyle = color;
      ctx.setLineDash([4 * dpr, 4 * dpr]);
      ctx.lineWidth = dpr;
      ctx.beginPath();
      ctx.moveTo(x, y + 6 * dpr);
      ctx.lineTo(x, bottom);
      ctx.stroke();
      ctx.setLineDash([]);
      ctx.fillStyle = '#0b0e13';
      ctx.lineWidth = 2 * dpr;
      ctx.beginPath();
      ctx.arc(x, y, 5 * dpr, 0, Math.PI * 2);
      ctx.fill();
      ctx.stroke();
      lines.push({ text: `Peak ${formatValue(value, 1)} ${c.label} @ ${formatValue(peak.rpm, 0)} rpm`, color });
    }
    ctx.font = `700 ${12 * dpr}px "Liberation Sans", "DejaVu Sans", sans-serif`;
    ctx.textAlign = 'left';
    ctx.textBaseline = 'alphabetic';
    const width = Math.max(0, ...lines.map((l) => ctx.measureText(l.text).width));
    const left = u.bbox.left + 10 * dpr;
    const top = u.bbox.top + 8 * dpr;
    const lineHeight = 18 * dpr;
    if (lines.length > 0) {
      ctx.fillStyle = 'rgba(11, 14, 19, 0.8)';
      ctx.fillRect(left - 6 * dpr, top - 4 * dpr, width + 12 * dpr, lines.length * lineHeight + 6 * dpr);
    }
    lines.forEach((line, i) => {
      ctx.fillStyle = line.color;
      ctx.fillText(line.text, left, top + (i + 1) * lineHeight - 5 * dpr);
    });
    ctx.restore();
  }

  const chart = new uPlot(
    {
      width: Math.max(200, container.clientWidth),
      height: opts.height,
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
      hooks: { draw: [drawPeaks] },
    },
    [[], [], []],
    container,
  );
  fitToContainer(chart, container, opts.height);

  function render(): void {
    if (!pull || pull.points.length === 0) {
      info.replaceChildren('Waiting for a pull…');
      container.dataset.points = '0';
      container.dataset.partial = 'false';
      chart.setData([[], [], []]);
      return;
    }
    const binned = binByRpm(pull.points, opts.binRpm);
    container.dataset.points = String(binned.rpm.length);
    container.dataset.partial = String(pull.partial);
    chart.setData([
      binned.rpm,
      binned.power.map((v) => convert(power, v)),
      binned.torque.map((v) => convert(torque, v)),
    ]);
    const peakHp = pull.peakPower;
    const peakTq = pull.peakTorque;
    info.replaceChildren(
      el('span', {}, pull.active ? `Pull ${number} · live` : `Pull ${number}`),
      pull.partial
        ? el('span', { class: 'partial', title: 'the page did not see the start of this pull' }, ' · partial')
        : '',
      ' · peak ',
      el(
        'b',
        { style: `color: ${POWER_COLOR}` },
        peakHp ? `${formatValue(convert(power, peakHp.value), 1)} ${power.label}` : '—',
      ),
      ' · ',
      el(
        'b',
        { style: `color: ${TORQUE_COLOR}` },
        peakTq ? `${formatValue(convert(torque, peakTq.value), 1)} ${torque.label}` : '—',
      ),
    );
  }

  return {
    show(next, pullNumber) {
      pull = next;
      number = pullNumber;
      render();
    },
    setSystem(next) {
      system = next;
      power = displayConversion(POWER_UNIT, system);
      torque = displayConversion(TORQUE_UNIT, system);
      render();
    },
  };
}
