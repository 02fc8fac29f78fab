import { asyncScheduler, filter, interval, type Observable, type SchedulerLike, Subject, takeUntil, tap } from 'rxjs';
import type {
  CleanupRequest,
  CleanupResult,
  SessionEvent,
  SessionResults,
  SessionSnapshot,
  SessionStatus,
  SessionSummary,
} from '@jetdrive-hub/client/contract';
import { createLogger } from '../log.js';
import { createSession, type Session } from './create-session.js';
import { createDynoPlant } from './create-dyno-plant.js';
import { parseSessionConfig } from './session-config.js';
import { SessionError } from './session-error.js';
import { toResults, toSnapshot, toSummary } from './session-views.js';
import type { PlantFactory, PlantInput } from './tuning-plant.js';
import { DEFAULT_TPS_STEPS } from './tune-steps.js';

const log = createLogger('sessions');

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

export interface SessionRegistryStats {
  /** Sessions held (listed). */
  size: number;
  byStatus: Record<SessionStatus, number>;
  running: number;
  /** Sessions whose VE / per-iteration tables are still held. */
  tablesRetained: number;
  started: number;
  removed: number;
  tablesReleased: number;
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

const emptyByStatus = (): Record<SessionStatus, number> => ({
  initializing: 0,
  running: 0,
  converged: 0,
  failed: 0,
  stopped: 0,
  max_iterations: 0,
});

/**
 * Every mutation is synchronous (no await between reading and changing the map), so interleaved callers can never
 * see a half-done start, stop or removal: in Node that is the whole of "thread safety". Only `stop` awaits, and only
 * after its request is recorded; it reads the session object it already holds, so a concurrent removal cannot hurt.
 */
export function createSessionRegistry(options: Partial<SessionRegistryOptions> = {}): SessionRegistry {
  const o: SessionRegistryOptions = { ...DEFAULT_SESSION_REGISTRY_OPTIONS, ...options };
  for (const k of ['maxAgeMin', 'maxCount', 'sweepIntervalS', 'maxRunning', 'sliceMs'] as const) {
    if (!(o[k] > 0)) throw new RangeError(`sessions.${k}: expected a positive number, got ${o[k]}`);
  }
  if (o.tpsSteps.length === 0 || !o.tpsSteps.every((t) => t >= 5 && t <= 100)) {
    throw new RangeError(
      `sessions.tpsSteps: expected 1 or more throttle positions in 5–100 %, got [${o.tpsSteps.join(', ')}]`,
    );
  }
  // Map order is creation order: the oldest first.
  const sessions = new Map<string, Session>();
  const changes = new Subject<SessionSummary[]>();
  const dispose$ = new Subject<void>();
  let disposed = false;
  let counter = 1000;
  const counters = { started: 0, removed: 0, tablesReleased: 0, rejected: 0, sweeps: 0 };

  // Derived, never counted: a removed session has always ended, so this cannot drift from the map.
  const runningCount = (): number => {
    let n = 0;
    for (const s of sessions.values()) if (!s.ended) n++;
    return n;
  };
  const list = (): SessionSummary[] => {
    const now = o.now();
    const out: SessionSummary[] = [];
    for (const s of sessions.values()) out.push(toSummary(s.state, now));
    return out.reverse();
  };
  const announce = (): void => {
    if (!disposed) changes.next(list());
  };
  const get = (id: string): Session => {
    const s = typeof id === 'string' ? sessions.get(id) : undefined;
    if (!s) throw new SessionError('SESSION_NOT_FOUND', `session_id: no session "${id}"`);
    return s;
  };
  const remove = (s: Session): void => {
    if (s.release()) counters.tablesReleased++;
    sessions.delete(s.id);
    counters.removed++;
  };

  const removeOverCount = (limit: number): string[] => {
    const removed: string[] = [];
    if (sessions.size <= limit) return removed;
    for (const s of [...sessions.values()]) {
      if (sessions.size <= limit) break;
      if (!s.ended) continue;
      remove(s);
      removed.push(s.id);
    }
    return removed;
  };

  const sweep = (maxAgeMin = o.maxAgeMin): string[] => {
    counters.sweeps++;
    const now = o.now();
    const maxAgeMs = maxAgeMin * 60_000;
    const removed: string[] = [];
    for (const s of [...sessions.values()]) {
      const endedAt = s.state.endedAt;
      // An ended session is removed once maxAge has passed since its end (at exactly maxAge, not a sweep later).
      if (s.ended && endedAt !== null && now - endedAt >= maxAgeMs) {
        remove(s);
        removed.push(s.id);
      }
    }
    removed.push(...removeOverCount(o.maxCount));
    if (removed.length > 0) {
      log.info({ removed: removed.length, remaining: sessions.size }, 'session sweep');
      announce();
    }
    return removed;
  };

  // The registry's own stream: the sweep ticks until dispose. Subscribed once, here.
  interval(o.sweepIntervalS * 1000, o.scheduler)
    .pipe(
      tap(() => sweep(o.maxAgeMin)),
      takeUntil(dispose$),
    )
    .subscribe({ error: (err: unknown) => log.error({ err }, 'session sweep failed') });

  const start = (input: unknown): SessionSnapshot => {
    if (disposed) {
      counters.rejected++;
      throw new SessionError('REGISTRY_DISPOSED', 'the session registry is shut down');
    }
    let config: ReturnType<typeof parseSessionConfig>;
    try {
      config = parseSessionConfig(input);
    } catch (err) {
      counters.rejected++;
      throw err;
    }
    const running = runningCount();
    if (running >= o.maxRunning) {
      counters.rejected++;
      throw new SessionError(
        'TOO_MANY_RUNNING',
        `${running} sessions are running (limit ${o.maxRunning}); stop one or retry when one ends`,
        { running, limit: o.maxRunning },
      );
    }
    // Keep the count bounded between sweeps too: make room by dropping the oldest ended sessions.
    removeOverCount(o.maxCount - 1);
    if (sessions.size >= o.maxCount) {
      counters.rejected++;
      throw new SessionError('TOO_MANY_RUNNING', `${sessions.size} sessions held, none ended (limit ${o.maxCount})`, {
        held: sessions.size,
        limit: o.maxCount,
      });
    }
    const now = o.now();
    const id = `tune_${Math.floor(now / 1000)}_${counter++}`;
    const session = createSession(id, config, {
      createPlant: o.createPlant,
      tpsSteps: o.tpsSteps,
      sliceMs: o.sliceMs,
      now: o.now,
    });
    sessions.set(id, session);
    counters.started++;
    session.done.then(announce, announce);
    announce();
    return toSnapshot(session.state, now);
  };

  return {
    start,
    async stop(id) {
      const s = get(id);
      if (!s.stop()) {
        throw new SessionError(
          'SESSION_NOT_RUNNING',
          `session_id: session "${id}" has already ended (${s.state.status})`,
        );
      }
      const final = await s.done;
      return toSnapshot(final, o.now());
    },
    snapshot: (id) => toSnapshot(get(id).state, o.now()),
    results: (id) => {
      const s = get(id);
      return toResults(s.state, s.tables, o.now());
    },
    list,
    watch(id) {
      const s = get(id);
      const state = s.state;
      // events$ is hot, so it starts after the snapshot; the filter makes "never twice" hold by construction.
      return { snapshot: toSnapshot(state, o.now()), events$: s.events$.pipe(filter((e) => e.seq > state.seq)) };
    },
    has: (id) => sessions.has(id),
    cleanup(request = {}) {
      let removed: string[];
      if (request.all_completed === true) {
        removed = [];
        for (const s of [...sessions.values()]) {
          if (!s.ended) continue;
          remove(s);
          removed.push(s.id);
        }
        if (removed.length > 0) announce();
      } else {
        removed = sweep(request.max_age_minutes);
      }
      return {
        success: true,
        removed,
        remaining: sessions.size,
        message: `Cleaned up ${removed.length} session(s)`,
      };
    },
    sweep,
    changes$: changes.asObservable(),
    stats() {
      const byStatus = emptyByStatus();
      let tablesRetained = 0;
      for (const s of sessions.values()) {
        byStatus[s.state.status]++;
        if (s.tables !== null) tablesRetained++;
      }
      return { size: sessions.size, byStatus, running: runningCount(), tablesRetained, ...counters };
    },
    get size() {
      return sessions.size;
    },
    get disposed() {
      return disposed;
    },
    dispose() {
      if (disposed) return;
      disposed = true;
      dispose$.next();
      dispose$.complete();
      for (const s of sessions.values()) s.stop();
      changes.complete();
    },
  };
}
