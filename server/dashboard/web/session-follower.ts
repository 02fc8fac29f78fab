import type { SessionEvent, SessionSummary } from '@jetdrive-hub/client/contract';
import type { Observable, Subscription } from 'rxjs';
import { errorText } from './error-text.js';
import { isTerminal, TERMINAL, type TuningPanelView } from './tuning-panel-view.js';

/** The calls the follower makes; the panel's TuningApi has them (declared here: the two files import one way). */
export interface FollowerApi {
  events$(id: string): Observable<SessionEvent>;
  results(id: string): Promise<Parameters<TuningPanelView['showResults']>[0]>;
}

/**
 * Follows one session: its events (status, progress), and its results after each iteration and at the end. Result
 * fetches never overlap: one asked for while another runs is done once that one ends.
 */
export class SessionFollower {
  readonly #view: TuningPanelView;
  readonly #api: FollowerApi;
  readonly #onTerminal: () => void;
  #currentId: string | null = null;
  #events: Subscription | null = null;
  #resultsInFlight = false;
  #resultsAgain = false;

  constructor(view: TuningPanelView, api: FollowerApi, onTerminal: () => void) {
    this.#view = view;
    this.#api = api;
    this.#onTerminal = onTerminal;
  }

  get currentId(): string | null {
    return this.#currentId;
  }

  follow(id: string): void {
    this.#events?.unsubscribe();
    this.#currentId = id;
    this.#events = this.#api.events$(id).subscribe({
      next: (event) => this.#onEvent(event),
      error: (err: unknown) => this.#view.showMessage(`Session events: ${errorText(err)}`),
    });
  }

  async refreshResults(id: string): Promise<void> {
    if (this.#resultsInFlight) {
      this.#resultsAgain = true;
      return;
    }
    this.#resultsInFlight = true;
    try {
      const results = await this.#api.results(id);
      if (id !== this.#currentId) return;
      this.#view.showResults(results);
    } catch (err) {
      this.#view.showMessage(`Results: ${errorText(err)}`);
    } finally {
      this.#resultsInFlight = false;
      if (this.#resultsAgain && id === this.#currentId) {
        this.#resultsAgain = false;
        void this.refreshResults(id);
      }
    }
  }

  /** A listed session reached a terminal status the view has not shown (e.g. its event was missed offline). */
  catchUp(list: readonly SessionSummary[]): void {
    const id = this.#currentId;
    const mine = list.find((s) => s.session_id === id);
    if (mine && id && TERMINAL.has(mine.status) && !isTerminal(this.#view.status)) void this.refreshResults(id);
  }

  unsubscribe(): void {
    this.#events?.unsubscribe();
  }

  #onEvent(event: SessionEvent): void {
    if (event.sessionId !== this.#currentId) return;
    const view = this.#view;
    switch (event.type) {
      case 'created':
      case 'running':
        view.showStatus('running');
        break;
      case 'progress':
        if (!isTerminal(view.status)) view.showStatus('running');
        view.showIteration(event.iteration);
        view.showProgress(event.pct, event.message);
        break;
      case 'iteration':
        // The results carry the heatmaps, the cumulative correction included.
        void this.refreshResults(event.sessionId);
        break;
      case 'terminal':
        view.showStatus(event.status);
        view.showProgress(100, event.message ?? `Session ${event.status.replace('_', ' ')}`);
        void this.refreshResults(event.sessionId);
        this.#onTerminal();
        break;
    }
  }
}
