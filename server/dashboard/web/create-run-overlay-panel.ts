import type { Hub } from '@jetdrive-hub/client';
import {
  CORRECTION_STANDARDS,
  type CorrectionStandard,
  CURVE_X_AXES,
  type CurveXAxis,
  MAX_COMPARE_RUNS,
  MAX_SMOOTHING,
  type RunComparisonAnswer,
} from '@jetdrive-hub/client/contract';
import { type CorrectionFactor, correctionFactor } from '../../curves/correction-standards.js';
import type { RunAtmosphere } from '../../curves/run-atmosphere.js';
import { displayConversion, type UnitSystem } from '../../mapping/unit-conversion.js';
import type { Pull, PullTracker } from './create-pull-tracker.js';
import { el, setAttr, setText } from './dom.js';
import { createLiveAtmosphere, type LiveAtmosphere, PROBE_QUANTITIES } from './live-atmosphere.js';
import { createOverlayCharts } from './overlay-charts.js';
import { LIVE_COLOR, type LiveInput, overlayPlotData, RUN_COLORS } from './overlay-plot-data.js';

// Compare runs: tick runs in the run library panel (a checkbox in each row) and their power and torque curves (and
// AFR) overlay here, computed by the hub under the chosen correction, smoothing and x axis, in the page's units, with
// a legend per run (peaks, Δ to the first). While a pull happens the live pull draws on top of these baselines, on
// their x axis (RPM or road speed) and under their correction standard, its factor computed here by the hub's own
// formulas (server/curves/correction-standards.ts, pure) from the atmospheric probe's live readings.

export interface RunOverlayPanel {
  setSystem(system: UnitSystem): void;
}

/** The live pull is re-binned onto the baselines' grid this often while it grows (ms). */
const LIVE_MS = 250;
/** The probe's air changes slowly: its readings are taken this often (Hz). */
const PROBE_HZ = 2;

function select<T extends string | number>(name: string, label: string, values: readonly T[], value: T) {
  const s = el('select', { name, 'aria-label': label });
  for (const v of values) s.append(el('option', { value: String(v), selected: v === value }, String(v)));
  return s;
}

const liveUnits = (system: UnitSystem) => ({
  speed: displayConversion(2, system),
  power: displayConversion(4, system),
  torque: displayConversion(5, system),
});

function airText(air: RunAtmosphere): string {
  const probe = `${air.tempC.toFixed(1)} °C, ${air.pressureKpa.toFixed(2)} kPa, ${air.humidityPct.toFixed(0)} %`;
  return air.defaulted ? `${probe}; default air where the probe gave none` : `probe ${probe}`;
}

function liveLegend(active: boolean, cf: CorrectionFactor, air: RunAtmosphere): HTMLElement {
  const correction = cf.standard === 'none' ? 'uncorrected' : `${cf.label} CF ${cf.factor.toFixed(3)}`;
  const text = `${active ? 'Live pull' : 'Last pull'} · ${correction} (${airText(air)})`;
  return el(
    'div',
    { class: 'overlay-run live' },
    el('span', { class: 'swatch', style: `background: ${LIVE_COLOR}` }),
    text,
  );
}

/**
 * What the live pull was drawn with, on the chart for tests and tools: the x axis, the standard, its factor and the
 * air it came from, and the live power per bin corrected and not.
 */
function markLive(
  box: HTMLElement,
  cmp: RunComparisonAnswer,
  live: LiveInput,
  cf: CorrectionFactor,
  air: RunAtmosphere,
) {
  const { tempC, pressureKpa, humidityPct, defaulted } = air;
  setAttr(box, 'data-live-x', cmp.runs[0]?.curves.x ?? 'rpm');
  setAttr(box, 'data-live-correction', cf.standard);
  setAttr(box, 'data-live-factor', String(cf.factor));
  setAttr(box, 'data-live-air', JSON.stringify({ tempC, pressureKpa, humidityPct, defaulted }));
  const power = overlayPlotData(cmp, live).columns.at(-2);
  const uncorrected = overlayPlotData(cmp, { ...live, factor: 1 }).columns.at(-2);
  setAttr(box, 'data-live', JSON.stringify({ x: cmp.x, power, uncorrected }));
}

/** What changes the live pull's drawing: another pull, more points, or its end (trimmed to its top, 'Last pull'). */
const liveKey = (pull: Pull | null) => (pull ? `${pull.startedAt}|${pull.active}|${pull.points.length}` : '');

/** The atmospheric probe's readings, a few a second, for the live pull's correction (for the page's whole life). */
function watchProbe(hub: Hub): LiveAtmosphere {
  const atmosphere = createLiveAtmosphere();
  const selectors = PROBE_QUANTITIES.map((quantity) => ({ quantity }));
  hub.samples$(selectors, { maxHz: PROBE_HZ }).subscribe({
    next: (batch) => {
      const at = Date.now();
      for (const sample of batch.samples) atmosphere.offer(sample, at);
    },
    error: (err: unknown) => console.warn(`dashboard: the probe subscription ended: ${String(err)}`),
  });
  return atmosphere;
}

function legendOf(cmp: RunComparisonAnswer): HTMLElement[] {
  return cmp.runs.map((r, i) => {
    const c = r.curves;
    const p = c.peaks.smoothed;
    const d = i === 0 ? null : cmp.deltas[i - 1];
    const delta = (v: number | undefined) => (v === undefined ? '' : ` (${v >= 0 ? '+' : ''}${v.toFixed(1)})`);
    const text =
      `${r.name}: ${p.power?.value.toFixed(1) ?? '—'} ${c.units.power}${delta(d?.peakPower?.value)} @ ` +
      `${p.power?.rpm.toFixed(0) ?? '—'} rpm · ${p.torque?.value.toFixed(1) ?? '—'} ${c.units.torque}` +
      `${delta(d?.peakTorque?.value)} · CF ${c.correction.factor.toFixed(3)}`;
    return el(
      'div',
      { class: 'overlay-run', 'data-run-id': r.id },
      el('span', { class: 'swatch', style: `background: ${RUN_COLORS[i % RUN_COLORS.length]}` }),
      text,
    );
  });
}

/** A "Compare" checkbox in every run library row, kept ticked across the library's redraws. */
function mountPickers(library: HTMLElement, picked: Set<string>, onChange: () => void): MutationObserver {
  const mount = () => {
    for (const row of library.querySelectorAll<HTMLElement>('tr[data-run-id]')) {
      if (row.querySelector('.overlay-pick')) continue;
      const id = row.dataset.runId ?? '';
      const box = el('input', { type: 'checkbox', 'data-run-id': id, checked: picked.has(id) });
      box.addEventListener('change', () => {
        if (box.checked && picked.size >= MAX_COMPARE_RUNS) box.checked = false;
        else if (box.checked) picked.add(id);
        else picked.delete(id);
        onChange();
      });
      row.querySelector('td')?.prepend(el('label', { class: 'overlay-pick', title: 'overlay in Compare runs' }, box));
    }
  };
  const observer = new MutationObserver(mount);
  observer.observe(library, { childList: true, subtree: true });
  mount();
  return observer;
}

/** The form's choices, and a listener for any change. */
function createControls() {
  const correction = select<CorrectionStandard>('correction', 'Correction', CORRECTION_STANDARDS, 'sae');
  const smoothing = select(
    'smoothing',
    'Smoothing',
    Array.from({ length: MAX_SMOOTHING + 1 }, (_, i) => i),
    2,
  );
  const x = select<CurveXAxis>('x', 'X axis', CURVE_X_AXES, 'rpm');
  const form = el(
    'form',
    { class: 'overlay-controls' },
    el('label', {}, 'Correction ', correction),
    el('label', {}, 'Smoothing ', smoothing),
    el('label', {}, 'X ', x),
  );
  return {
    form,
    query: (units: UnitSystem) => ({
      correction: correction.value as CorrectionStandard,
      smoothing: Number(smoothing.value),
      x: x.value as CurveXAxis,
      units,
    }),
    onChange: (listener: () => void) => {
      for (const s of [correction, smoothing, x]) s.addEventListener('change', listener);
    },
  };
}

export function createRunOverlayPanel(
  root: HTMLElement,
  library: HTMLElement,
  hub: Hub,
  tracker: PullTracker,
): RunOverlayPanel {
  let system: UnitSystem = 'imperial';
  const picked = new Set<string>();
  const controls = createControls();
  const status = el('div', { class: 'overlay-status' });
  const legend = el('div', { class: 'overlay-legend' });
  const chartBox = el('div', { class: 'chart', id: 'overlay-chart' });
  const afrBox = el('div', { class: 'chart', id: 'overlay-afr-chart' });
  const head = el('div', { class: 'panel-head' }, el('h2', {}, 'Compare runs'), status);
  root.replaceChildren(head, controls.form, legend, chartBox, afrBox);
  const charts = createOverlayCharts(chartBox, afrBox);
  let cmp: RunComparisonAnswer | null = null;
  let liveShown = '';
  let asked = 0;

  const atmosphere = watchProbe(hub);

  function render(): void {
    if (!cmp) return;
    const pull = tracker.current();
    liveShown = liveKey(pull);
    const air = atmosphere.current(Date.now());
    const cf = correctionFactor(cmp.runs[0]?.curves.correction.standard ?? 'none', air);
    const shown = pull && pull.points.length > 0;
    const live = shown ? { points: pull.points, factor: cf.factor, ...liveUnits(system) } : null;
    charts.draw(overlayPlotData(cmp, live), cmp);
    if (live) markLive(chartBox, cmp, live, cf, air);
    legend.replaceChildren(...legendOf(cmp), ...(live ? [liveLegend(pull?.active ?? false, cf, air)] : []));
    setAttr(root, 'data-runs', String(cmp.runs.length));
  }

  async function refresh(): Promise<void> {
    const ask = ++asked;
    cmp = null;
    if (picked.size === 0) {
      charts.clear();
      legend.replaceChildren();
      setAttr(root, 'data-runs', '0');
      setText(status, 'Tick runs in the run library to overlay them');
      return;
    }
    setText(status, 'Loading…');
    try {
      const answer = await hub.runs.compare([...picked], controls.query(system));
      if (ask !== asked) return;
      cmp = answer;
      setText(status, `${answer.runs.length} run(s) · ${answer.runs[0]?.curves.correction.label ?? ''}`);
      render();
    } catch (error) {
      if (ask === asked) setText(status, error instanceof Error ? error.message : String(error));
    }
  }

  controls.onChange(() => void refresh());
  mountPickers(library, picked, () => void refresh());
  // The live pull over the baselines, redrawn while it grows; the page owns this timer for its whole life.
  setInterval(() => {
    if (cmp && liveKey(tracker.current()) !== liveShown) render();
  }, LIVE_MS);
  void refresh();
  return {
    setSystem(next) {
      system = next;
      void refresh();
    },
  };
}
