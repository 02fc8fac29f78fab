import type {
  EngineProfileId,
  IterationResult,
  SessionResults,
  SessionSnapshot,
  SessionStartInput,
  SessionStatus,
  SessionSummary,
} from '@jetdrive-hub/client/contract';
import type { UnitSystem } from '../../mapping/unit-conversion.js';
import { MAP_AXIS, RPM_AXIS } from '../../tuning/ve-grid.js';
import { el, setAttr, setText } from './dom.js';
import { formatDuration, formatValue } from './format-value.js';
import { peakColumns } from './iteration-peaks.js';
import { renderHeatmap } from './render-heatmap.js';
import { cumulativeHeatmap, sessionHeatmaps } from './session-heatmaps.js';
import { uniqueIds } from './unique-ids.js';

const PROFILES: readonly [string, string][] = [
  ['m8_114', 'M8-114 Stage 2'],
  ['m8_131', 'M8-131 Big Bore'],
  ['twin_cam_103', 'Twin Cam 103'],
  ['sportbike_600', 'CBR600RR'],
];
const SCENARIOS: readonly [string, string][] = [
  ['lean', 'Lean base VE (−10 %)'],
  ['rich', 'Rich base VE (+10 %)'],
  ['perfect', 'Perfect base VE'],
];
export const TERMINAL: ReadonlySet<string> = new Set(['converged', 'failed', 'stopped', 'max_iterations']);
export const isTerminal = (status: string): boolean => TERMINAL.has(status);

/** Column heading, its tooltip, and the cell text. */
const ITERATION_COLUMNS: readonly [string, string, (r: IterationResult) => string][] = [
  ['#', 'Iteration', (r) => String(r.iteration)],
  ['Max err', 'Largest |AFR error| of a judged cell', (r) => formatValue(r.max_afr_error, 2)],
  ['Mean', 'Mean |AFR error|', (r) => formatValue(r.mean_afr_error, 2)],
  ['RMS', 'RMS AFR error', (r) => formatValue(r.rms_afr_error, 2)],
  ['VE max %', 'Largest VE correction applied, %', (r) => formatValue(r.max_ve_correction_pct, 1)],
  ['Corr.', 'Cells corrected', (r) => String(r.cells_corrected)],
  ['Conv.', 'Cells converged', (r) => String(r.cells_converged)],
  ['Cover %', 'Grid cells hit by the pulls, %', (r) => formatValue(r.coverage_pct, 0)],
];

const AFR_MAP = { name: 'afr-error', title: 'AFR error (measured − target)', decimals: 2, scaleFloor: 0.3 };
const VE_MAP = { name: 've-correction', title: 'VE correction %', decimals: 1, scaleFloor: 2 };

function scenarioOf(value: string): SessionStartInput['base_ve_scenario'] {
  return value === 'perfect' || value === 'rich' || value === 'custom' ? value : 'lean';
}

function select(name: string, options: readonly [string, string][], value: string): HTMLSelectElement {
  const node = el('select', { name });
  for (const [v, label] of options) node.append(el('option', { value: v, selected: v === value }, label));
  return node;
}

const MAX_ITERATIONS = 50;
const DEFAULT_ITERATIONS = 10;
const statusText = (status: string): string => status.replace('_', ' ');

/**
 * The tuning panel's DOM: start form, status line, progress bar, iteration and session tables, the two heatmaps.
 * Built once; the show* methods only write text and attributes. Tracks the status it shows.
 */
export class TuningPanelView {
  readonly startButton = el(
    'button',
    { class: 'btn primary', type: 'button', 'data-action': 'start' },
    'Start session',
  );
  readonly stopButton = el(
    'button',
    { class: 'btn danger', type: 'button', 'data-action': 'stop', disabled: true },
    'Stop',
  );
  readonly cleanupButton = el('button', { class: 'btn', type: 'button', 'data-action': 'cleanup' }, 'Clean up ended');
  readonly #profile = select('engine_profile', PROFILES, 'm8_114');
  readonly #scenario = select('base_ve_scenario', SCENARIOS, 'lean');
  readonly #maxIterations = el('input', {
    name: 'max_iterations',
    type: 'number',
    min: 1,
    max: MAX_ITERATIONS,
    value: DEFAULT_ITERATIONS,
  });
  readonly #statusPill = el('span', { class: 'status-pill', 'data-status': 'idle', id: 'session-status' }, 'idle');
  readonly #sessionLabel = el('span', { class: 'muted' }, 'No session');
  readonly #iterationLabel = el('span', { class: 'muted' });
  readonly #bar = el('div', { class: 'progress-fill' });
  readonly #progressMessage = el('div', { class: 'progress-msg' });
  readonly #iterationBody = el('tbody');
  readonly #sessionsBody = el('tbody');
  readonly #afrMap = el('div', { class: 'heatmap-slot' });
  readonly #veMap = el('div', { class: 'heatmap-slot' });
  readonly #message = el('div', { class: 'progress-msg', role: 'status' });
  #status: SessionStatus | 'idle' = 'idle';
  #system: UnitSystem = 'imperial';
  #iterations: readonly IterationResult[] = [];
  readonly #powerHead = el('th', { title: 'Peak power of the iteration' }, 'hp');
  readonly #torqueHead = el('th', { title: 'Peak torque of the iteration' }, 'ft·lb');

  constructor(root: HTMLElement) {
    root.append(el('div', { class: 'panel-head' }, el('h2', {}, 'Virtual tuning'), this.#message), this.#layout());
    const emptyGrid = { rpmAxis: RPM_AXIS, mapAxis: MAP_AXIS, cells: RPM_AXIS.map(() => MAP_AXIS.map(() => null)) };
    renderHeatmap(this.#afrMap, emptyGrid, { ...AFR_MAP, caption: 'start a session to fill the grid' });
    renderHeatmap(this.#veMap, emptyGrid, { ...VE_MAP, caption: 'start a session to fill the grid' });
  }

  get status(): SessionStatus | 'idle' {
    return this.#status;
  }

  /** The start form's values (iterations clamped to 1–50). */
  startInput(): SessionStartInput {
    const iterations = Math.round(Number(this.#maxIterations.value) || DEFAULT_ITERATIONS);
    return {
      // The select offers only PROFILES' ids (a value import of the contract's list would bundle zod into the page).
      engine_profile: this.#profile.value as EngineProfileId,
      base_ve_scenario: scenarioOf(this.#scenario.value),
      max_iterations: Math.max(1, Math.min(MAX_ITERATIONS, iterations)),
    };
  }

  /** The form follows the selected session: its profile and scenario when known, its iteration limit. */
  showConfig(s: SessionSummary): void {
    if (s.engine_profile) this.#profile.value = s.engine_profile;
    // A scenario the form does not offer (custom) leaves the form's choice as it was.
    if (s.base_ve_scenario && SCENARIOS.some(([v]) => v === s.base_ve_scenario)) {
      this.#scenario.value = s.base_ve_scenario;
    }
    if (s.max_iterations > 0) this.#maxIterations.value = String(s.max_iterations);
  }

  showMessage(text: string): void {
    setText(this.#message, text);
  }

  showStatus(next: SessionStatus | 'idle'): void {
    this.#status = next;
    setAttr(this.#statusPill, 'data-status', next);
    setText(this.#statusPill, statusText(next));
    this.stopButton.disabled = !(next === 'running' || next === 'initializing');
  }

  showIteration(iteration: number): void {
    setText(this.#iterationLabel, `iteration ${iteration}`);
  }

  showProgress(pct: number, text: string): void {
    this.#bar.style.width = `${Math.min(100, Math.max(0, pct)).toFixed(0)}%`;
    setText(this.#progressMessage, text);
  }

  /** Peak power and torque columns follow the page's unit system. */
  setSystem(system: UnitSystem): void {
    this.#system = system;
    const peaks = peakColumns(system);
    setText(this.#powerHead, peaks.powerUnit);
    setText(this.#torqueHead, peaks.torqueUnit);
    this.showIterations(this.#iterations);
  }

  showIterations(list: readonly IterationResult[]): void {
    this.#iterations = list;
    const peaks = peakColumns(this.#system);
    this.#iterationBody.replaceChildren(
      ...[...list]
        .sort((a, b) => b.iteration - a.iteration)
        .map((r) =>
          el(
            'tr',
            { class: r.converged ? 'ok' : '' },
            ...ITERATION_COLUMNS.map(([, , f]) => el('td', {}, f(r))),
            el('td', {}, formatValue(peaks.power(r.peak_hp), 1)),
            el('td', {}, formatValue(peaks.torque(r.peak_tq), 1)),
          ),
        ),
    );
  }

  showSnapshot(s: SessionSnapshot): void {
    this.showStatus(s.status);
    setText(this.#sessionLabel, `Session ${s.session_id}`);
    const duration = formatDuration(s.duration_sec);
    setText(this.#iterationLabel, `iteration ${s.current_iteration}/${s.max_iterations} · ${duration}`);
    this.showProgress(TERMINAL.has(s.status) ? 100 : s.progress_pct, s.error_message ?? s.progress_message);
    this.showIterations(s.iterations);
  }

  /** The snapshot and, when the results allow, both heatmaps. */
  showResults(results: SessionResults): void {
    this.showSnapshot(results);
    const maps = sessionHeatmaps(results);
    if (!maps) return;
    const note = maps.origin === 'measured' ? 'measured, last iteration' : 'from current VE tables vs engine';
    renderHeatmap(this.#afrMap, maps.afrError, { ...AFR_MAP, caption: `red = lean, blue = rich · ${note}` });
    const cumulative = cumulativeHeatmap(results);
    setAttr(this.#veMap, 'data-cumulative', String(cumulative !== null));
    if (cumulative) {
      const n = results.iterations.length;
      renderHeatmap(this.#veMap, cumulative, {
        ...VE_MAP,
        caption: `red = VE added, blue = removed · total over ${n} iteration${n === 1 ? '' : 's'}`,
      });
      return;
    }
    renderHeatmap(this.#veMap, maps.veCorrectionPct, {
      ...VE_MAP,
      caption: `red = add VE, blue = remove VE · ${note}`,
    });
  }

  /** The session list; clicking a row calls `onPick` with its id. */
  showList(list: readonly SessionSummary[], onPick: (s: SessionSummary) => void): void {
    const labelOf = (options: readonly [string, string][], value: string | null | undefined): string =>
      value === null || value === undefined ? '—' : (options.find(([v]) => v === value)?.[1] ?? value);
    const ids = uniqueIds(list.map((s) => s.session_id));
    this.#sessionsBody.replaceChildren(
      ...list.map((s) => {
        const tr = el(
          'tr',
          { 'data-session': s.session_id, style: 'cursor: pointer', title: `Show session ${s.session_id}` },
          el('td', { class: 'session-id' }, ids.get(s.session_id) ?? s.session_id),
          el('td', { class: 'session-profile' }, labelOf(PROFILES, s.engine_profile)),
          el('td', { class: 'session-scenario' }, labelOf(SCENARIOS, s.base_ve_scenario)),
          el('td', {}, el('span', { class: 'status-pill', 'data-status': s.status }, statusText(s.status))),
          el('td', {}, `${s.current_iteration}/${s.max_iterations}`),
          el('td', {}, formatDuration(s.duration_sec)),
        );
        tr.addEventListener('click', () => onPick(s));
        return tr;
      }),
    );
  }

  clearIterations(): void {
    this.#iterationBody.replaceChildren();
  }

  #layout(): HTMLElement {
    const table = (id: string, headings: Node[], body: HTMLElement) =>
      el('table', { class: 'data', id }, el('thead', {}, el('tr', {}, ...headings)), body);
    const controls = el(
      'div',
      { class: 'controls' },
      el('label', { class: 'field' }, 'Engine', this.#profile),
      el('label', { class: 'field' }, 'Base VE', this.#scenario),
      el('label', { class: 'field' }, 'Max iterations', this.#maxIterations),
      this.startButton,
      this.stopButton,
      this.cleanupButton,
    );
    const iterationHeads = [
      ...ITERATION_COLUMNS.map(([h, title]) => el('th', { title }, h)),
      this.#powerHead,
      this.#torqueHead,
    ];
    const sessionHeads = ['Session', 'Engine', 'Base VE', 'Status', 'Iterations', 'Duration'].map((h) =>
      el('th', {}, h),
    );
    return el(
      'div',
      { class: 'tuning-grid' },
      el(
        'div',
        {},
        controls,
        el('div', { class: 'session-status' }, this.#statusPill, this.#sessionLabel, this.#iterationLabel),
        el('div', { class: 'progress' }, this.#bar),
        this.#progressMessage,
        el('div', { class: 'iterations' }, table('iteration-table', iterationHeads, this.#iterationBody)),
        el('div', { class: 'sessions-list' }, table('sessions-table', sessionHeads, this.#sessionsBody)),
      ),
      this.#afrMap,
      this.#veMap,
    );
  }
}
