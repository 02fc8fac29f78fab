import { createSession, type Session } from './create-session.js';
import { parseSessionConfig } from './session-config.js';
import { SessionError } from './session-error.js';
import type { SessionStore } from './session-store.js';
import type { PlantFactory } from './tuning-plant.js';

/** Session ids are `tune_<epoch s>_<counter>`, the counter starting here. */
const FIRST_ID_COUNTER = 1000;
const MS_PER_S = 1000;

export interface SessionStarterOptions {
  maxCount: number;
  maxRunning: number;
  sliceMs: number;
  tpsSteps: readonly number[];
  createPlant: PlantFactory;
  now: () => number;
}

/**
 * Admission of new sessions: a valid config, fewer than maxRunning running, room under maxCount (the oldest ended
 * sessions make room); then a new id and a started session in the store. Counts starts and refusals.
 */
export class SessionStarter {
  readonly #store: SessionStore;
  readonly #o: SessionStarterOptions;
  #counter = FIRST_ID_COUNTER;
  #started = 0;
  #rejected = 0;

  constructor(store: SessionStore, options: SessionStarterOptions) {
    this.#store = store;
    this.#o = options;
  }

  get started(): number {
    return this.#started;
  }

  /** Starts refused: invalid config, running bound, disposed. */
  get rejected(): number {
    return this.#rejected;
  }

  /** Starts a session from unvalidated input (`disposed`: the registry is shut down); `now` is its start time. */
  start(input: unknown, disposed: boolean): { session: Session; now: number } {
    let config: ReturnType<typeof parseSessionConfig>;
    try {
      if (disposed) throw new SessionError('REGISTRY_DISPOSED', 'the session registry is shut down');
      config = parseSessionConfig(input);
      this.#admit();
    } catch (err) {
      this.#rejected++;
      throw err;
    }
    const { createPlant, tpsSteps, sliceMs, now: clock } = this.#o;
    const now = clock();
    const id = `tune_${Math.floor(now / MS_PER_S)}_${this.#counter++}`;
    const session = createSession(id, config, { createPlant, tpsSteps, sliceMs, now: clock });
    this.#store.add(session);
    this.#started++;
    return { session, now };
  }

  /** Throws TOO_MANY_RUNNING unless one more session may start (after dropping the oldest ended ones if needed). */
  #admit(): void {
    const { maxRunning, maxCount } = this.#o;
    const running = this.#store.runningCount();
    if (running >= maxRunning) {
      throw new SessionError(
        'TOO_MANY_RUNNING',
        `${running} sessions are running (limit ${maxRunning}); stop one or retry when one ends`,
        { running, limit: maxRunning },
      );
    }
    // Keep the count bounded between sweeps too: make room by dropping the oldest ended sessions.
    this.#store.trimTo(maxCount - 1);
    const held = this.#store.size;
    if (held >= maxCount) {
      throw new SessionError('TOO_MANY_RUNNING', `${held} sessions held, none ended (limit ${maxCount})`, {
        held,
        limit: maxCount,
      });
    }
  }
}
