import type { ReplayApi } from '@jetdrive-hub/client';
import type { ReplayStatus } from '@jetdrive-hub/client/contract';
import { el, setText } from './dom.js';
import { errorText } from './error-text.js';

// Replay of a recorded run through the hub (operator token): a run id, a rate and loop start it; each replay shows
// its position as the hub pushes it, with pause / resume / stop. The run library panel leaves a slot per run
// (`.replay-slot[data-run-id]`): a Replay button is mounted in each, starting that run at the panel's rate and loop.

export interface ReplayPanel {
  /** Starts a replay of this run at the panel's rate and loop setting. */
  replay(runId: string): Promise<void>;
  dispose(): void;
}

const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

/** `playing 12.3 s / 45.0 s at 2x · replay:Pull 3/Simulated Dyno` */
export function replayLine(s: ReplayStatus): string {
  const loop = s.loop ? ` · loop ${s.loops + 1}` : '';
  const providers = s.providers.map((p) => p.name).join(', ');
  return `${s.state} ${seconds(s.positionMs)} / ${seconds(s.toMs)} at ${s.rate}x${loop}${providers ? ` · ${providers}` : ''}`;
}

export function createReplayPanel(root: HTMLElement, runs: ReplayApi): ReplayPanel {
  const runId = el('input', { type: 'text', placeholder: 'run id, e.g. 20261129T120000Z-0a1b2c', size: 30 });
  const rate = el('select', {}, ...['0.5', '1', '2', '5', '10', '20'].map((r) => el('option', { value: r }, `${r}x`)));
  rate.value = '1';
  const loop = el('input', { type: 'checkbox' });
  const start = el('button', { type: 'button' }, 'Replay');
  const message = el('div', { class: 'replay-message', role: 'status' });
  const list = el('ul', { class: 'replay-list' });
  root.append(
    el('div', { class: 'panel-head' }, el('h2', {}, 'Replay')),
    el('div', { class: 'replay-form' }, runId, rate, el('label', {}, loop, ' loop'), start),
    message,
    list,
  );
  const rows = new Map<string, { line: HTMLElement; item: HTMLElement }>();

  const act = (label: string, action: () => Promise<unknown>) => {
    setText(message, '');
    action().catch((err: unknown) => setText(message, `${label}: ${errorText(err)}`));
  };

  const show = (s: ReplayStatus): void => {
    let row = rows.get(s.id);
    if (!row) {
      const handle = runs.replayOf(s);
      const line = el('span', { class: 'replay-line' });
      const buttons = (['pause', 'resume', 'stop'] as const).map((name) => {
        const b = el('button', { type: 'button' }, name);
        b.addEventListener('click', () => act(name, () => handle[name]()));
        return b;
      });
      const item = el('li', {}, el('strong', {}, s.name), ' ', line, ' ', ...buttons);
      row = { line, item };
      rows.set(s.id, row);
      list.append(item);
    }
    setText(row.line, replayLine(s));
    if (s.state === 'stopped') {
      row.item.remove();
      rows.delete(s.id);
    }
  };

  const replay = async (id: string): Promise<void> => {
    const handle = await runs.replay(id, { rate: Number(rate.value), loop: loop.checked });
    show(handle.started);
  };
  start.addEventListener('click', () => act('replay', () => replay(runId.value.trim())));
  const slots = mountReplayButtons(document.body, (id) => act('replay', () => replay(id)));
  const sub = runs.replayStatus$.subscribe(show);
  runs.replays().then(
    (all) => all.forEach(show),
    () => {},
  );

  return {
    replay: (id) => replay(id).catch((err: unknown) => setText(message, `replay: ${errorText(err)}`)),
    dispose: () => {
      sub.unsubscribe();
      slots.disconnect();
    },
  };
}

/** A Replay button in every `.replay-slot[data-run-id]` below `root`, now and whenever rows are (re)drawn. */
export function mountReplayButtons(root: HTMLElement, replay: (runId: string) => void): MutationObserver {
  const mount = (): void => {
    for (const slot of root.querySelectorAll<HTMLElement>('.replay-slot[data-run-id]:not([data-mounted])')) {
      const id = slot.dataset.runId ?? '';
      slot.dataset.mounted = 'true';
      const button = el('button', { type: 'button', title: `replay run ${id}` }, 'Replay');
      button.addEventListener('click', () => replay(id));
      slot.append(button);
    }
  };
  const observer = new MutationObserver(mount);
  observer.observe(root, { childList: true, subtree: true });
  mount();
  return observer;
}
