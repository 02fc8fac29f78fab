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

/** The panel's elements: the form, the session status line, the iteration and session tables, the two heatmaps. */
interface TuningDom {
  profile: HTMLSelectElement;
  scenario: HTMLSelectElement;
  maxIterations: HTMLInputElement;
  startButton: HTMLButtonElement;
  stopButton: HTMLButtonElement;
  cleanupButton: HTMLButtonElement;
  statusPill: HTMLElement;
  sessionLabel: HTMLElement;
  iterationLabel: HTMLElement;
  bar: HTMLElement;
  progressMessage: HTMLElement;
  iterationBody: HTMLElement;
  sessionsBody: HTMLElement;
  afrMap: HTMLElement;
  veMap: HTMLElement;
  message: HTMLElement;
}

function createTuningDom(): TuningDom {
  return {
    profile: select('engine_profile', PROFILES, 'm8_114'),
    scenario: select('base_ve_scenario', SCENARIOS, 'lean'),
    maxIterations: el('input', { name: 'max_iterations', type: 'number', min: 1, max: 50, value: 10 }),
    startButton: el('button', { class: 'btn primary', type: 'button', 'data-action': 'start' }, 'Start session'),
    stopButton: el('button', { class: 'btn danger', type: 'button', 'data-action': 'stop', disabled: true }, 'Stop'),
    cleanupButton: el('button', { class: 'btn', type: 'button', 'data-action': 'cleanup' }, 'Clean up ended'),
    statusPill: el('span', { class: 'status-pill', 'data-status': 'idle', id: 'session-status' }, 'idle'),
    sessionLabel: el('span', { class: 'muted' }, 'No session'),
    iterationLabel: el('span', { class: 'muted' }),
    bar: el('div', { class: 'progress-fill' }),
    progressMessage: el('div', { class: 'progress-msg' }),
    iterationBody: el('tbody'),
    sessionsBody: el('tbody'),
    afrMap: el('div', { class: 'heatmap-slot' }),
    veMap: el('div', { class: 'heatmap-slot' }),
    message: el('div', { class: 'progress-msg', role: 'status' }),
  };
}

function table(id: string, headings: HTMLElement, body: HTMLElement): HTMLElement {
  return el('table', { class: 'data', id }, el('thead', {}, headings), body);
}

/** Lays the elements out under `root`, with empty heatmaps until a session fills them. */
function mountTuningDom(root: HTMLElement, d: TuningDom): void {
  const controls = el(
    'div',
    { class: 'controls' },
    el('label', { class: 'field' }, 'Engine', d.profile),
    el('label', { class: 'field' }, 'Base VE', d.scenario),
    el('label', { class: 'field' }, 'Max iterations', d.maxIterations),
    d.startButton,
    d.stopButton,
    d.cleanupButton,
  );
  const iterationHead = el('tr', {}, ...ITERATION_COLUMNS.map(([h, title]) => el('th', { title }, h)));
  const sessionHead = el('tr', {}, ...['Session', 'Status', 'Iterations', 'Duration'].map((h) => el('th', {}, h)));
  root.append(
    el('div', { class: 'panel-head' }, el('h2', {}, 'Virtual tuning'), d.message),
    el(
      'div',
      { class: 'tuning-grid' },
      el(
        'div',
        {},
        controls,
        el('div', { class: 'session-status' }, d.statusPill, d.sessionLabel, d.iterationLabel),
        el('div', { class: 'progress' }, d.bar),
        d.progressMessage,
        el('div', { class: 'iterations' }, table('iteration-table', iterationHead, d.iterationBody)),
        el('div', { class: 'sessions-list' }, table('sessions-table', sessionHead, d.sessionsBody)),
      ),
      d.afrMap,
      d.veMap,
    ),
  );
  const emptyGrid = { rpmAxis: RPM_AXIS, mapAxis: MAP_AXIS, cells: RPM_AXIS.map(() => MAP_AXIS.map(() => null)) };
  renderHeatmap(d.afrMap, emptyGrid, { ...AFR_MAP, caption: 'start a session to fill the grid' });
  renderHeatmap(d.veMap, emptyGrid, { ...VE_MAP, caption: 'start a session to fill the grid' });
}

/** What the panel shows of one session: its status, progress, iterations and heatmaps. */
class SessionDisplay {
  readonly #d: TuningDom;
  #status: SessionStatus | 'idle' = 'idle';

  constructor(dom: TuningDom) {
    this.#d = dom;
  }

  get status(): SessionStatus | 'idle' {
    return this.#status;
  }

  showStatus(next: SessionStatus | 'idle'): void {
    this.#status = next;
    setAttr(this.#d.statusPill, 'data-status', next);
    setText(this.#d.statusPill, next.replace('_', ' '));
    this.#d.stopButton.disabled = !(next === 'running' || next === 'initializing');
  }

  showProgress(pct: number, text: string): void {
    this.#d.bar.style.width = `${Math.min(100, Math.max(0, pct)).toFixed(0)}%`;
    setText(this.#d.progressMessage, text);
  }

  showIterationLabel(text: string): void {
    setText(this.#d.iterationLabel, text);
  }

  showIterations(list: readonly IterationResult[]): void {
    this.#d.iterationBody.replaceChildren(
      ...[...list]
        .sort((a, b) => b.iteration - a.iteration)
        .map((r) =>
          el('tr', { class: r.converged ? 'ok' : '' }, ...ITERATION_COLUMNS.map(([, , f]) => el('td', {}, f(r)))),
        ),
    );
  }

  showSnapshot(s: SessionSnapshot): void {
    this.showStatus(s.status);
    setText(this.#d.sessionLabel, `Session ${s.session_id.slice(0, 8)}`);
    this.showIterationLabel(`iteration ${s.current_iteration}/${s.max_iterations} · ${formatDuration(s.duration_sec)}`);
    this.showProgress(TERMINAL.has(s.status) ? 100 : s.progress_pct, s.error_message ?? s.progress_message);
    this.showIterations(s.iterations);
  }

  showHeatmaps(results: SessionResults): void {
    const maps = sessionHeatmaps(results);
    if (!maps) return;
    const note = maps.origin === 'measured' ? 'measured, last iteration' : 'from current VE tables vs engine';
    renderHeatmap(this.#d.afrMap, maps.afrError, { ...AFR_MAP, caption: `red = lean, blue = rich · ${note}` });
    renderHeatmap(this.#d.veMap, maps.veCorrectionPct, {
      ...VE_MAP,
      caption: `red = add VE, blue = remove VE · ${note}`,
    });
  }
}

/** The sessions table; a click on a row picks that session. */
function renderSessionRows(body: HTMLElement, list: readonly SessionSummary[], pick: (id: string) => void): void {
  body.replaceChildren(
    ...list.map((s) => {
      const tr = el(
        'tr',
        { 'data-session': s.session_id, style: 'cursor: pointer', title: 'Show this session' },
        el('td', {}, s.session_id.slice(0, 8)),
        el('td', {}, el('span', { class: 'status-pill', 'data-status': s.status }, s.status.replace('_', ' '))),
        el('td', {}, `${s.current_iteration}/${s.max_iterations}`),
        el('td', {}, formatDuration(s.duration_sec)),
      );
      tr.addEventListener('click', () => pick(s.session_id));
      return tr;
    }),
  );
}

/** Results of one session at a time, at most one request in flight (one more queued if asked meanwhile). */
class ResultsLoader {
  #inFlight = false;
  #again = false;

  constructor(
    readonly load: (id: string) => Promise<void>,
    readonly isCurrent: (id: string) => boolean,
  ) {}

  async refresh(id: string): Promise<void> {
    if (this.#inFlight) {
      this.#again = true;
      return;
    }
    this.#inFlight = true;
    try {
      await this.load(id);
    } finally {
      this.#inFlight = false;
      if (this.#again && this.isCurrent(id)) {
        this.#again = false;
        void this.refresh(id);
      }
    }
  }
}

function startInput(d: TuningDom): SessionStartInput {
  return {
    // The select lists the hub's profiles; the hub validates whatever arrives.
    engine_profile: d.profile.value as EngineProfileId,
    base_ve_scenario: scenarioOf(d.scenario.value),
    max_iterations: Math.max(1, Math.min(50, Math.round(Number(d.maxIterations.value) || 10))),
  };
}

/** Runs `action` on a click; a failure shows in the panel's message line as "<what> failed: <reason>". */
function onClick(button: HTMLButtonElement, d: TuningDom, what: string, action: () => Promise<void>): void {
  button.addEventListener('click', async () => {
    try {
      await action();
    } catch (err) {
      setText(d.message, `${what} failed: ${errorText(err)}`);
    }
  });
}

/** What the panel's parts share: the elements, the display, the followed session and the refreshers. */
interface PanelContext {
  api: TuningApi;
  d: TuningDom;
  view: SessionDisplay;
  results: ResultsLoader;
  current(): string | null;
  follow(id: string): void;
  refreshList(): Promise<void>;
}

/** A live session event of the followed session: status, progress, and results after each iteration and the end. */
function onSessionEvent(ctx: PanelContext, event: SessionEvent): void {
  const { view, results } = ctx;
  if (event.sessionId !== ctx.current()) return;
  switch (event.type) {
    case 'created':
    case 'running':
      view.showStatus('running');
      break;
    case 'progress':
      if (!isTerminal(view.status)) view.showStatus('running');
      view.showIterationLabel(`iteration ${event.iteration}`);
      view.showProgress(event.pct, event.message);
      break;
    case 'iteration':
      void results.refresh(event.sessionId);
      break;
    case 'terminal':
      view.showStatus(event.status);
      view.showProgress(100, event.message ?? `Session ${event.status.replace('_', ' ')}`);
      void results.refresh(event.sessionId);
      void ctx.refreshList();
      break;
  }
}

/** Start, stop and clean up; each refreshes the session list after it. */
function wireButtons(ctx: PanelContext): void {
  const { api, d, view } = ctx;
  onClick(d.startButton, d, 'Start', async () => {
    d.startButton.disabled = true;
    setText(d.message, '');
    try {
      const snapshot = await api.start(startInput(d));
      d.iterationBody.replaceChildren();
      ctx.follow(snapshot.session_id);
      view.showSnapshot(snapshot);
      void ctx.refreshList();
    } finally {
      d.startButton.disabled = false;
    }
  });
  onClick(d.stopButton, d, 'Stop', async () => {
    const id = ctx.current();
    if (!id) return;
    try {
      view.showSnapshot(await api.stop(id));
    } finally {
      void ctx.refreshList();
    }
  });
  onClick(d.cleanupButton, d, 'Cleanup', async () => {
    try {
      setText(d.message, (await api.cleanup({ all_completed: true })).message);
    } finally {
      void ctx.refreshList();
    }
  });
}

export function createTuningPanel(
  root: HTMLElement,
  api: TuningApi,
  options: Partial<TuningPanelOptions> = {},
): () => void {
  const opts = { ...DEFAULT_TUNING_PANEL_OPTIONS, ...options };
  const d = createTuningDom();
  mountTuningDom(root, d);
  const view = new SessionDisplay(d);
  let currentId: string | null = null;
  let events: Subscription | null = null;

  const results = new ResultsLoader(
    async (id) => {
      try {
        const loaded = await api.results(id);
        if (id !== currentId) return;
        view.showSnapshot(loaded);
        view.showHeatmaps(loaded);
      } catch (err) {
        setText(d.message, `Results: ${errorText(err)}`);
      }
    },
    (id) => id === currentId,
  );

  const ctx: PanelContext = {
    api,
    d,
    view,
    results,
    current: () => currentId,
    follow(id) {
      events?.unsubscribe();
      currentId = id;
      events = api.events$(id).subscribe({
        next: (event) => onSessionEvent(ctx, event),
        error: (err: unknown) => setText(d.message, `Session events: ${errorText(err)}`),
      });
    },
    async refreshList() {
      try {
        showList(await api.list());
      } catch (err) {
        setText(d.message, `Sessions: ${errorText(err)}`);
      }
    },
  };

  function showList(list: readonly SessionSummary[]): void {
    renderSessionRows(d.sessionsBody, list, (id) => {
      ctx.follow(id);
      void results.refresh(id);
    });
    const mine = list.find((s) => s.session_id === currentId);
    if (mine && currentId && TERMINAL.has(mine.status) && !isTerminal(view.status)) void results.refresh(currentId);
  }

  wireButtons(ctx);
  const listSub = api.changed$.subscribe(showList);
  void ctx.refreshList();
  const timer = setInterval(() => void ctx.refreshList(), opts.listRefreshMs);
  return () => {
    clearInterval(timer);
    listSub.unsubscribe();
    events?.unsubscribe();
  };
}
