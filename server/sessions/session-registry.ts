import type {
  CleanupRequest,
  CleanupResult,
  SessionEvent,
  SessionResults,
  SessionSnapshot,
  SessionSummary,
} from '@jetdrive-hub/client/contract';
import { asyncScheduler, filter, type Observable, type SchedulerLike, Subject } from 'rxjs';
import { createDynoPlant } from './create-dyno-plant.js';
import { SessionError } from './session-error.js';
import { SessionStarter } from './session-starter.js';
import { SessionStore, type SessionStoreCounts } from './session-store.js';
import { SessionSweeper } from './session-sweeper.js';
import { toResults, toSnapshot } from './session-views.js';
import { DEFAULT_TPS_STEPS } from './tune-steps.js';
import type { PlantFactory, PlantInput } from './tuning-plant.js';

export interface SessionRegistryOptions {
  /** Ended sessions older than this (minutes since their end) are removed by the sweep. Env SESSION_MAX_AGE_MIN. */
  maxAgeMin: number;
  /** Sessions kept at most; above it the oldest ended ones go (at the sweep and at each start). Env SESSION_MAX_COUNT. */
  maxCount: number;
  /** Seconds between sweeps. Env SESSION_SWEEP_INTERVAL_S. */
  sweepIntervalS: number;
  /** Sessions running at once; a start beyond it is refused with TOO_MANY_RUNNING (HTTP 429). Env SESSION_MAX_RUNNING. */
  maxRunning: number;
  /** CPU slice (ms) a session may take before yielding to the event loop. Env SESSION_SLICE_MS. */
  sliceMs: number;
  /** Throttle positions pulled each iteration. */
  tpsSteps: readonly number[];
  createPlant: PlantFactory;
  now: () => number;
  /** Scheduler of the sweep interval (tests pass a virtual one or use fake timers). */
  scheduler: SchedulerLike;
}

export const DEFAULT_SESSION_REGISTRY_OPTIONS: Readonly<SessionRegistryOptions> = Object.freeze({
  maxAgeMin: 60,
  maxCount: 100,
  sweepIntervalS: 300,
  maxRunning: 8,
  sliceMs: 2,
  tpsSteps: DEFAULT_TPS_STEPS,
  createPlant: (input: PlantInput) => createDynoPlant(input),
  now: () => Date.now(),
  scheduler: asyncScheduler,
});

/** What the store holds and has removed, plus the starts, refusals and sweeps of the registry. */
export interface SessionRegistryStats extends SessionStoreCounts {
  started: number;
  /** Starts refused: invalid config, running bound, disposed. */
  rejected: number;
  sweeps: number;
}

export interface SessionWatch {
  snapshot: SessionSnapshot;
  /** Events after the snapshot, in order; completes after the terminal event (at once if already ended). */
  events$: Observable<SessionEvent>;
}

export interface SessionRegistry {
  start(input: unknown): SessionSnapshot;
  /** Requests a stop and resolves with the final snapshot (its status may be another terminal if it won the race). */
  stop(id: string): Promise<SessionSnapshot>;
  snapshot(id: string): SessionSnapshot;
  results(id: string): SessionResults;
  /** Newest first. */
  list(): SessionSummary[];
  watch(id: string): SessionWatch;
  has(id: string): boolean;
  /** Validated input only (the router and socket handlers parse with cleanupRequestSchema). */
  cleanup(request?: CleanupRequest): CleanupResult;
  /** The age / count sweep, now (optionally with another age); returns the removed ids. */
  sweep(maxAgeMin?: number): string[];
  /** The list, whenever a session is created, ends or is removed. */
  readonly changes$: Observable<SessionSummary[]>;
  stats(): SessionRegistryStats;
  readonly size: number;
  readonly disposed: boolean;
  /** Stops running sessions, ends the sweep, completes changes$. */
  dispose(): void;
}

/** Throttle positions a tuning pull may use, %. */
const MIN_TPS_STEP = 5;
const MAX_TPS_STEP = 100;

function validateOptions(o: SessionRegistryOptions): void {
  for (const k of ['maxAgeMin', 'maxCount', 'sweepIntervalS', 'maxRunning', 'sliceMs'] as const) {
    if (!(o[k] > 0)) throw new RangeError(`sessions.${k}: expected a positive number, got ${o[k]}`);
  }
  if (o.tpsSteps.length === 0 || !o.tpsSteps.every((t) => t >= MIN_TPS_STEP && t <= MAX_TPS_STEP)) {
    throw new RangeError(
      `sessions.tpsSteps: expected 1 or more throttle positions in 5–100 %, got [${o.tpsSteps.join(', ')}]`,
    );
  }
}

/**
 * Every mutation is synchronous (no await between reading and changing the map), so interleaved callers can never
 * see a half-done start, stop or removal: in Node that is the whole of "thread safety". Only `stop` awaits, and only
 * after its request is recorded; it reads the session object it already holds, so a concurrent removal cannot hurt.
 * The parts: SessionStore (the sessions and their removal), SessionStarter (admission), SessionSweeper (retention).
 */
export function createSessionRegistry(options: Partial<SessionRegistryOptions> = {}): SessionRegistry {
  const o: SessionRegistryOptions = { ...DEFAULT_SESSION_REGISTRY_OPTIONS, ...options };
  validateOptions(o);
  const store = new SessionStore();
  const changes = new Subject<SessionSummary[]>();
  const dispose$ = new Subject<void>();
  let disposed = false;
  const list = (): SessionSummary[] => store.list(o.now());
  const announce = (): void => {
    if (!disposed) changes.next(list());
  };
  const starter = new SessionStarter(store, o);
  const sweeper = new SessionSweeper(store, o, announce);
  // The registry's own stream: the sweep ticks until dispose. Subscribed once, here.
  sweeper.runEvery(o.sweepIntervalS, o.scheduler, dispose$);

  return {
    start(input) {
      const { session, now } = starter.start(input, disposed);
      session.done.then(announce, announce);
      announce();
      return toSnapshot(session.state, now);
    },
    async stop(id) {
      const s = store.get(id);
      if (!s.stop()) {
        throw new SessionError(
          'SESSION_NOT_RUNNING',
          `session_id: session "${id}" has already ended (${s.state.status})`,
        );
      }
      const final = await s.done;
      return toSnapshot(final, o.now());
    },
    snapshot: (id) => toSnapshot(store.get(id).state, o.now()),
    results: (id) => {
      const s = store.get(id);
      return toResults(s.state, s.tables, o.now());
    },
    list,
    watch(id) {
      const s = store.get(id);
      const state = s.state;
      // events$ is hot, so it starts after the snapshot; the filter makes "never twice" hold by construction.
      const events$ = s.events$.pipe(filter((e) => e.seq > state.seq));
      return { snapshot: toSnapshot(state, o.now()), events$ };
    },
    has: (id) => store.has(id),
    cleanup(request = {}) {
      let removed: string[];
      if (request.all_completed === true) {
        removed = store.removeEnded();
        if (removed.length > 0) announce();
      } else {
        removed = sweeper.sweep(request.max_age_minutes);
      }
      return { success: true, removed, remaining: store.size, message: `Cleaned up ${removed.length} session(s)` };
    },
    sweep: (maxAgeMin) => sweeper.sweep(maxAgeMin),
    changes$: changes.asObservable(),
    stats: () => ({ ...store.counts(), started: starter.started, rejected: starter.rejected, sweeps: sweeper.sweeps }),
    get size() {
      return store.size;
    },
    get disposed() {
      return disposed;
    },
    dispose() {
      if (disposed) return;
      disposed = true;
      dispose$.next();
      dispose$.complete();
      store.stopAll();
      changes.complete();
    },
  };
}
