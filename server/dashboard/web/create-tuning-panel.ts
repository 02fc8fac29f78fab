import type { Observable, Subscription } from 'rxjs';
import type {
  CleanupRequest,
  CleanupResult,
  EngineProfileId,
  IterationResult,
  SessionEvent,
  SessionResults,
  SessionSnapshot,
  SessionStartInput,
  SessionStatus,
  SessionSummary,
} from '@jetdrive-hub/client/contract';
import { el, setAttr, setText } from './dom.js';
import { formatDuration, formatValue } from './format-value.js';
import { MAP_AXIS, RPM_AXIS } from '../../tuning/ve-grid.js';
import { renderHeatmap } from './render-heatmap.js';
import { sessionHeatmaps } from './session-heatmaps.js';

// Start a closed-loop virtual tuning session, follow it live (progress, iterations), see where the VE table was
// wrong (heatmaps), stop it, and sweep ended sessions away.

export interface TuningApi {
  start(input: SessionStartInput): Promise<SessionSnapshot>;
  stop(id: string): Promise<SessionSnapshot>;
  list(): Promise<SessionSummary[]>;
  results(id: string): Promise<SessionResults>;
  cleanup(request: CleanupRequest): Promise<CleanupResult>;
  events$(id: string): Observable<SessionEvent>;
  /** The session list, pushed by the hub whenever it changes. */
  readonly changed$: Observable<SessionSummary[]>;
}

export interface TuningPanelOptions {
  /** Fallback refresh of the session list (it is also pushed); also catches up a terminal event missed offline. */
  listRefreshMs: number;
}

export const DEFAULT_TUNING_PANEL_OPTIONS: TuningPanelOptions = { listRefreshMs: 10_000 };

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
const TERMINAL: ReadonlySet<string> = new Set(['converged', 'failed', 'stopped', 'max_iterations']);
const isTerminal = (status: string): boolean => TERMINAL.has(status);

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
  ['hp', 'Peak power of the iteration', (r) => formatValue(r.peak_hp, 1)],
  ['ft·lb', 'Peak torque of the iteration', (r) => formatValue(r.peak_tq, 1)],
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

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export function createTuningPanel(
  root: HTMLElement,
  api: TuningApi,
  options: Partial<TuningPanelOptions> = {},
): () => void {
  const opts = { ...DEFAULT_TUNING_PANEL_OPTIONS, ...options };
  const profile = select('engine_profile', PROFILES, 'm8_114');
  const scenario = select('base_ve_scenario', SCENARIOS, 'lean');
  const maxIterations = el('input', { name: 'max_iterations', type: 'number', min: 1, max: 50, value: 10 });
  const startButton = el('button', { class: 'btn primary', type: 'button', 'data-action': 'start' }, 'Start session');
  const stopButton = el(
    'button',
    { class: 'btn danger', type: 'button', 'data-action': 'stop', disabled: true },
    'Stop',
  );
  const cleanupButton = el('button', { class: 'btn', type: 'button', 'data-action': 'cleanup' }, 'Clean up ended');
  const statusPill = el('span', { class: 'status-pill', 'data-status': 'idle', id: 'session-status' }, 'idle');
  const sessionLabel = el('span', { class: 'muted' }, 'No session');
  const iterationLabel = el('span', { class: 'muted' });
  const bar = el('div', { class: 'progress-fill' });
  const progressMessage = el('div', { class: 'progress-msg' });
  const iterationBody = el('tbody');
  const sessionsBody = el('tbody');
  const afrMap = el('div', { class: 'heatmap-slot' });
  const veMap = el('div', { class: 'heatmap-slot' });
  const message = el('div', { class: 'progress-msg', role: 'status' });

  root.append(
    el('div', { class: 'panel-head' }, el('h2', {}, 'Virtual tuning'), message),
    el(
      'div',
      { class: 'tuning-grid' },
      el(
        'div',
        {},
        el(
          'div',
          { class: 'controls' },
          el('label', { class: 'field' }, 'Engine', profile),
          el('label', { class: 'field' }, 'Base VE', scenario),
          el('label', { class: 'field' }, 'Max iterations', maxIterations),
          startButton,
          stopButton,
          cleanupButton,
        ),
        el('div', { class: 'session-status' }, statusPill, sessionLabel, iterationLabel),
        el('div', { class: 'progress' }, bar),
        progressMessage,
        el(
          'div',
          { class: 'iterations' },
          el(
            'table',
            { class: 'data', id: 'iteration-table' },
            el('thead', {}, el('tr', {}, ...ITERATION_COLUMNS.map(([h, title]) => el('th', { title }, h)))),
            iterationBody,
          ),
        ),
        el(
          'div',
          { class: 'sessions-list' },
          el(
            'table',
            { class: 'data', id: 'sessions-table' },
            el(
              'thead',
              {},
              el('tr', {}, ...['Session', 'Status', 'Iterations', 'Duration'].map((h) => el('th', {}, h))),
            ),
            sessionsBody,
          ),
        ),
      ),
      afrMap,
      veMap,
    ),
  );

  const emptyGrid = { rpmAxis: RPM_AXIS, mapAxis: MAP_AXIS, cells: RPM_AXIS.map(() => MAP_AXIS.map(() => null)) };
  renderHeatmap(afrMap, emptyGrid, { ...AFR_MAP, caption: 'start a session to fill the grid' });
  renderHeatmap(veMap, emptyGrid, { ...VE_MAP, caption: 'start a session to fill the grid' });

  let currentId: string | null = null;
  let status: SessionStatus | 'idle' = 'idle';
  let events: Subscription | null = null;
  let resultsInFlight = false;
  let resultsAgain = false;

  function showStatus(next: SessionStatus | 'idle'): void {
    status = next;
    setAttr(statusPill, 'data-status', next);
    setText(statusPill, next.replace('_', ' '));
    stopButton.disabled = !(next === 'running' || next === 'initializing');
  }

  function showProgress(pct: number, text: string): void {
    bar.style.width = `${Math.min(100, Math.max(0, pct)).toFixed(0)}%`;
    setText(progressMessage, text);
  }

  function showIterations(list: readonly IterationResult[]): void {
    iterationBody.replaceChildren(
      ...[...list]
        .sort((a, b) => b.iteration - a.iteration)
        .map((r) =>
          el('tr', { class: r.converged ? 'ok' : '' }, ...ITERATION_COLUMNS.map(([, , f]) => el('td', {}, f(r)))),
        ),
    );
  }

  function showSnapshot(s: SessionSnapshot): void {
    showStatus(s.status);
    setText(sessionLabel, `Session ${s.session_id.slice(0, 8)}`);
    setText(iterationLabel, `iteration ${s.current_iteration}/${s.max_iterations} · ${formatDuration(s.duration_sec)}`);
    showProgress(TERMINAL.has(s.status) ? 100 : s.progress_pct, s.error_message ?? s.progress_message);
    showIterations(s.iterations);
  }

  async function refreshResults(id: string): Promise<void> {
    if (resultsInFlight) {
      resultsAgain = true;
      return;
    }
    resultsInFlight = true;
    try {
      const results = await api.results(id);
      if (id !== currentId) return;
      showSnapshot(results);
      const maps = sessionHeatmaps(results);
      if (maps) {
        const note = maps.origin === 'measured' ? 'measured, last iteration' : 'from current VE tables vs engine';
        renderHeatmap(afrMap, maps.afrError, { ...AFR_MAP, caption: `red = lean, blue = rich · ${note}` });
        renderHeatmap(veMap, maps.veCorrectionPct, { ...VE_MAP, caption: `red = add VE, blue = remove VE · ${note}` });
      }
    } catch (err) {
      setText(message, `Results: ${errorText(err)}`);
    } finally {
      resultsInFlight = false;
      if (resultsAgain && id === currentId) {
        resultsAgain = false;
        void refreshResults(id);
      }
    }
  }

  function onEvent(event: SessionEvent): void {
    if (event.sessionId !== currentId) return;
    switch (event.type) {
      case 'created':
      case 'running':
        showStatus('running');
        break;
      case 'progress':
        if (!isTerminal(status)) showStatus('running');
        setText(iterationLabel, `iteration ${event.iteration}`);
        showProgress(event.pct, event.message);
        break;
      case 'iteration':
        void refreshResults(event.sessionId);
        break;
      case 'terminal':
        showStatus(event.status);
        showProgress(100, event.message ?? `Session ${event.status.replace('_', ' ')}`);
        void refreshResults(event.sessionId);
        void refreshList();
        break;
    }
  }

  function follow(id: string): void {
    events?.unsubscribe();
    currentId = id;
    events = api.events$(id).subscribe({
      next: onEvent,
      error: (err: unknown) => setText(message, `Session events: ${errorText(err)}`),
    });
  }

  function showList(list: readonly SessionSummary[]): void {
    sessionsBody.replaceChildren(
      ...list.map((s) => {
        const tr = el(
          'tr',
          { 'data-session': s.session_id, style: 'cursor: pointer', title: 'Show this session' },
          el('td', {}, s.session_id.slice(0, 8)),
          el('td', {}, el('span', { class: 'status-pill', 'data-status': s.status }, s.status.replace('_', ' '))),
          el('td', {}, `${s.current_iteration}/${s.max_iterations}`),
          el('td', {}, formatDuration(s.duration_sec)),
        );
        tr.addEventListener('click', () => {
          follow(s.session_id);
          void refreshResults(s.session_id);
        });
        return tr;
      }),
    );
    const mine = list.find((s) => s.session_id === currentId);
    if (mine && currentId && TERMINAL.has(mine.status) && !isTerminal(status)) {
      void refreshResults(currentId);
    }
  }

  async function refreshList(): Promise<void> {
    try {
      showList(await api.list());
    } catch (err) {
      setText(message, `Sessions: ${errorText(err)}`);
    }
  }

  startButton.addEventListener('click', async () => {
    startButton.disabled = true;
    setText(message, '');
    try {
      const snapshot = await api.start({
        // The select lists the hub's profiles; the hub validates whatever arrives.
        engine_profile: profile.value as EngineProfileId,
        base_ve_scenario: scenarioOf(scenario.value),
        max_iterations: Math.max(1, Math.min(50, Math.round(Number(maxIterations.value) || 10))),
      });
      iterationBody.replaceChildren();
      follow(snapshot.session_id);
      showSnapshot(snapshot);
      void refreshList();
    } catch (err) {
      setText(message, `Start failed: ${errorText(err)}`);
    } finally {
      startButton.disabled = false;
    }
  });

  stopButton.addEventListener('click', async () => {
    if (!currentId) return;
    try {
      showSnapshot(await api.stop(currentId));
    } catch (err) {
      setText(message, `Stop failed: ${errorText(err)}`);
    }
    void refreshList();
  });

  cleanupButton.addEventListener('click', async () => {
    try {
      const result = await api.cleanup({ all_completed: true });
      setText(message, result.message);
    } catch (err) {
      setText(message, `Cleanup failed: ${errorText(err)}`);
    }
    void refreshList();
  });

  const listSub = api.changed$.subscribe(showList);
  void refreshList();
  const timer = setInterval(() => void refreshList(), opts.listRefreshMs);
  return () => {
    clearInterval(timer);
    listSub.unsubscribe();
    events?.unsubscribe();
  };
}
