import type {
  CleanupRequest,
  CleanupResult,
  SessionEvent,
  SessionResults,
  SessionSnapshot,
  SessionStartInput,
  SessionSummary,
} from '@jetdrive-hub/client/contract';
import type { Observable } from 'rxjs';
import type { UnitSystem } from '../../mapping/unit-conversion.js';
import { errorText } from './error-text.js';
import { SessionFollower } from './session-follower.js';
import { TuningPanelView } from './tuning-panel-view.js';

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

/** Runs `action`; a failure is shown as `label: reason`. */
async function attempt(view: TuningPanelView, label: string, action: () => Promise<void>): Promise<void> {
  try {
    await action();
  } catch (err) {
    view.showMessage(`${label}: ${errorText(err)}`);
  }
}

export interface TuningPanel {
  setSystem(system: UnitSystem): void;
  dispose(): void;
}

export function createTuningPanel(
  root: HTMLElement,
  api: TuningApi,
  options: Partial<TuningPanelOptions> = {},
): TuningPanel {
  const opts = { ...DEFAULT_TUNING_PANEL_OPTIONS, ...options };
  const view = new TuningPanelView(root);
  const follower = new SessionFollower(view, api, () => void refreshList());
  const showList = (list: readonly SessionSummary[]): void => {
    view.showList(list, (s) => {
      view.showConfig(s);
      follower.follow(s.session_id);
      void follower.refreshResults(s.session_id);
    });
    follower.catchUp(list);
  };
  const refreshList = () => attempt(view, 'Sessions', async () => showList(await api.list()));

  view.startButton.addEventListener('click', async () => {
    view.startButton.disabled = true;
    view.showMessage('');
    await attempt(view, 'Start failed', async () => {
      const snapshot = await api.start(view.startInput());
      view.clearIterations();
      follower.follow(snapshot.session_id);
      view.showSnapshot(snapshot);
      void refreshList();
    });
    view.startButton.disabled = false;
  });
  view.stopButton.addEventListener('click', async () => {
    const id = follower.currentId;
    if (!id) return;
    await attempt(view, 'Stop failed', async () => view.showSnapshot(await api.stop(id)));
    void refreshList();
  });
  view.cleanupButton.addEventListener('click', async () => {
    await attempt(view, 'Cleanup failed', async () =>
      view.showMessage((await api.cleanup({ all_completed: true })).message),
    );
    void refreshList();
  });

  const listSub = api.changed$.subscribe(showList);
  void refreshList();
  const timer = setInterval(() => void refreshList(), opts.listRefreshMs);
  return {
    setSystem: (system) => view.setSystem(system),
    dispose: () => {
      clearInterval(timer);
      listSub.unsubscribe();
      follower.unsubscribe();
    },
  };
}
