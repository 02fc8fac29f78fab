import type { Hub, RunPeak, RunSummary } from '@jetdrive-hub/client';
import { displayConversion, POWER_UNIT, TORQUE_UNIT, toDisplay } from '@jetdrive-hub/client/contract';
import type { UnitSystem } from '../../mapping/unit-conversion.js';
import { el, setAttr, setText } from './dom.js';
import { formatDuration } from './format-value.js';
import { runActions } from './run-library-actions.js';

// The run library panel: recorded pulls, newest first (name, date, the simulator's profile and VE scenario, peak
// power and torque, duration) with rename, pin, delete and download; refreshed whenever the hub says the library
// changed. The header's recording indicator follows run:started / run:ended / recording:alert.

export interface RunLibraryPanel {
  setSystem(system: UnitSystem): void;
}

function peakText(peak: RunPeak | null, unit: number, system: UnitSystem): string {
  if (!peak) return '—';
  const c = displayConversion(unit, system);
  return `${toDisplay(peak.value, c)?.toFixed(1) ?? '—'} ${c.label}`;
}

/** The simulator's profile and VE scenario a run was recorded on (— for a real dyno's). */
function simulatorText(r: RunSummary): string {
  if (r.profile === null) return '—';
  return r.scenario === null ? r.profile : `${r.profile} · ${r.scenario}`;
}

function actionButton(label: string, run: () => Promise<unknown>, onError: (e: unknown) => void): HTMLButtonElement {
  const b = el('button', { type: 'button', class: 'run-action' }, label);
  b.addEventListener('click', () => void run().catch(onError));
  return b;
}

function rowOf(r: RunSummary, system: UnitSystem, onError: (e: unknown) => void): HTMLTableRowElement {
  const date = new Date(r.startedAt).toLocaleString();
  const actions = el(
    'td',
    { class: 'run-cell run-actions' },
    actionButton(
      'Rename',
      async () => {
        const name = prompt('Run name', r.name);
        if (name?.trim()) await runActions.rename(r.id, name.trim());
      },
      onError,
    ),
    actionButton(r.pinned ? 'Unpin' : 'Pin', () => runActions.pin(r.id, !r.pinned), onError),
    actionButton('Download', () => runActions.download(r.id), onError),
    actionButton(
      'Delete',
      async () => {
        if (confirm(`Delete run "${r.name}"?`)) await runActions.remove(r.id);
      },
      onError,
    ),
    // REPLAY BUTTON SLOT (issue 16, h16-replay): the replay engineer mounts a Replay button for run `data-run-id` here.
    el('span', { class: 'replay-slot', 'data-run-id': r.id }),
  );
  return el(
    'tr',
    { 'data-run-id': r.id, 'data-pinned': String(r.pinned), 'data-recovered': String(r.recovered) },
    el('td', { class: 'run-cell run-name', title: r.id }, r.pinned ? `📌 ${r.name}` : r.name),
    el('td', { class: 'run-cell' }, date),
    el('td', { class: 'run-cell run-simulator', 'data-scenario': r.scenario ?? '' }, simulatorText(r)),
    el('td', { class: 'run-cell num' }, peakText(r.peakPower, POWER_UNIT, system)),
    el('td', { class: 'run-cell num' }, peakText(r.peakTorque, TORQUE_UNIT, system)),
    el('td', { class: 'run-cell num' }, formatDuration(r.durationS)),
    actions,
  );
}

function watchRecording(hub: Hub, indicator: HTMLElement): void {
  const show = (state: string, text: string, title = '') => {
    setAttr(indicator, 'data-state', state);
    setText(indicator, text);
    indicator.title = title;
  };
  hub.runs.started$.subscribe((r) => show('recording', '● REC', `recording ${r.name}`));
  hub.runs.ended$.subscribe(() => show('idle', ''));
  hub.runs.alerts$.subscribe((a) => (a.active ? show('suspended', 'REC stopped', a.message) : show('idle', '')));
  void runActions
    .recording()
    .then((s) => {
      if (s.state === 'recording' || s.state === 'post_roll') show('recording', '● REC');
      else if (s.state === 'suspended') show('suspended', 'REC stopped', s.alert?.message ?? '');
    })
    .catch(() => undefined);
}

export function createRunLibraryPanel(root: HTMLElement, indicator: HTMLElement, hub: Hub): RunLibraryPanel {
  let system: UnitSystem = 'imperial';
  let runs: RunSummary[] = [];
  const status = el('div', { class: 'run-status' });
  const body = el('tbody');
  const table = el(
    'table',
    { class: 'runs-table' },
    el(
      'thead',
      {},
      el(
        'tr',
        {},
        ...['Run', 'Date', 'Simulator', 'Peak power', 'Peak torque', 'Duration', ''].map((h) =>
          el('th', { class: 'run-cell' }, h),
        ),
      ),
    ),
    body,
  );
  root.replaceChildren(el('div', { class: 'panel-head' }, el('h2', {}, 'Run library'), status), table);
  const onError = (e: unknown) => setText(status, e instanceof Error ? e.message : String(e));
  const render = () => {
    body.replaceChildren(...runs.map((r) => rowOf(r, system, onError)));
    setText(status, runs.length === 0 ? 'No runs yet: pulls are recorded as they happen' : `${runs.length} run(s)`);
  };
  const reload = () =>
    void runActions
      .list()
      .then((page) => {
        runs = page.runs;
        render();
      })
      .catch(onError);
  hub.runs.changed$.subscribe((list) => {
    runs = list;
    render();
  });
  hub.connection$.subscribe((c) => {
    if (c.state === 'connected') reload();
  });
  watchRecording(hub, indicator);
  return {
    setSystem(next) {
      system = next;
      render();
    },
  };
}
