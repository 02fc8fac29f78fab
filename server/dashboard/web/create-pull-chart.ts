import uPlot from 'uplot';
import { displayConversion, type UnitConversion, type UnitSystem } from '../../mapping/unit-conversion.js';
import { binByRpm } from './bin-by-rpm.js';
import { fitToContainer } from './chart-theme.js';
import type { Pull, PullPeak } from './create-pull-tracker.js';
import { el } from './dom.js';
import { drawPullPeaks, type PeakMark } from './draw-pull-peaks.js';
import { formatValue } from './format-value.js';
import { POWER_COLOR, pullPlotOptions, TORQUE_COLOR } from './pull-plot-options.js';

// Power and torque against RPM for the current (or last) pull, with the peaks marked the way a dyno sheet does.

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

/** The line under the chart: which pull, live or partial, and its peaks in the page's units. */
function pullInfo(pull: Pull, number: number, power: UnitConversion, torque: UnitConversion): (Node | string)[] {
  const peak = (p: PullPeak | null, c: UnitConversion, color: string) =>
    el('b', { style: `color: ${color}` }, p ? `${formatValue(convert(c, p.value), 1)} ${c.label}` : '—');
  return [
    el('span', {}, pull.active ? `Pull ${number} · live` : `Pull ${number}`),
    pull.partial
      ? el('span', { class: 'partial', title: 'the page did not see the start of this pull' }, ' · partial')
      : '',
    ' · peak ',
    peak(pull.peakPower, power, POWER_COLOR),
    ' · ',
    peak(pull.peakTorque, torque, TORQUE_COLOR),
  ];
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

  const marks = (): PeakMark[] => {
    const out: PeakMark[] = [];
    const add = (peak: PullPeak | null, c: UnitConversion, color: string) => {
      if (peak) out.push({ rpm: peak.rpm, value: convert(c, peak.value), unit: c.label, color });
    };
    add(pull?.peakPower ?? null, power, POWER_COLOR);
    add(pull?.peakTorque ?? null, torque, TORQUE_COLOR);
    return out;
  };
  const chart = new uPlot(
    pullPlotOptions(container.clientWidth, opts.height, (u) => drawPullPeaks(u, marks())),
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
    info.replaceChildren(...pullInfo(pull, number, power, torque));
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
