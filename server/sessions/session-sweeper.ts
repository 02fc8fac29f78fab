import { interval, type Observable, type SchedulerLike, takeUntil, tap } from 'rxjs';
import { createLogger } from '../log.js';
import type { SessionStore } from './session-store.js';

const log = createLogger('sessions');
const MS_PER_MIN = 60_000;
const MS_PER_S = 1000;

export interface SessionSweeperOptions {
  /** Default age (minutes since their end) past which ended sessions go. */
  maxAgeMin: number;
  /** Sessions kept at most; above it the oldest ended ones go. */
  maxCount: number;
  now: () => number;
}

/** The retention policy of a session store: a sweep removes expired ended sessions, then trims to maxCount. */
export class SessionSweeper {
  readonly #store: SessionStore;
  readonly #options: SessionSweeperOptions;
  readonly #onRemoved: () => void;
  #sweeps = 0;

  /** `onRemoved` runs after a sweep that removed something. */
  constructor(store: SessionStore, options: SessionSweeperOptions, onRemoved: () => void) {
    this.#store = store;
    this.#options = options;
    this.#onRemoved = onRemoved;
  }

  get sweeps(): number {
    return this.#sweeps;
  }

  /** One sweep, now, with the default or another age; returns the removed ids. */
  sweep(maxAgeMin = this.#options.maxAgeMin): string[] {
    this.#sweeps++;
    const removed = this.#store.removeExpired(this.#options.now(), maxAgeMin * MS_PER_MIN);
    removed.push(...this.#store.trimTo(this.#options.maxCount));
    if (removed.length > 0) {
      log.info({ removed: removed.length, remaining: this.#store.size }, 'session sweep');
      this.#onRemoved();
    }
    return removed;
  }

  /** Sweeps every `intervalS` on `scheduler` until `stop$` emits. */
  runEvery(intervalS: number, scheduler: SchedulerLike, stop$: Observable<void>): void {
    interval(intervalS * MS_PER_S, scheduler)
      .pipe(
        tap(() => this.sweep()),
        takeUntil(stop$),
      )
      .subscribe({ error: (err: unknown) => log.error({ err }, 'session sweep failed') });
  }
}
