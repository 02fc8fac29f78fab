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
import { parseSessionConfig, type SessionConfig } from './session-config.js';
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

/** The sessions held (Map order is creation order: the oldest first) and what happened to them. */
class SessionTable {
  readonly #sessions = new Map<string, Session>();
  readonly counters = { started: 0, removed: 0, tablesReleased: 0, rejected: 0, sweeps: 0 };

  get size(): number {
    return this.#sessions.size;
  }

  has(id: string): boolean {
    return this.#sessions.has(id);
  }

  add(session: Session): void {
    this.#sessions.set(session.id, session);
    this.counters.started++;
  }

  get(id: string): Session {
    const s = typeof id === 'string' ? this.#sessions.get(id) : undefined;
    if (!s) throw new SessionError('SESSION_NOT_FOUND', `session_id: no session "${id}"`);
    return s;
  }

  all(): Session[] {
    return [...this.#sessions.values()];
  }

  /** Derived, never counted: a removed session has always ended, so this cannot drift from the map. */
  runningCount(): number {
    let n = 0;
    for (const s of this.#sessions.values()) if (!s.ended) n++;
    return n;
  }

  list(now: number): SessionSummary[] {
    const out: SessionSummary[] = [];
    for (const s of this.#sessions.values()) out.push(toSummary(s.state, now));
    return out.reverse();
  }

  /** Removes the ended sessions `which` selects, oldest first, while `more()` says so; returns their ids. */
  removeEnded(which: (s: Session) => boolean, more: () => boolean = () => true): string[] {
    const removed: string[] = [];
    for (const s of this.all()) {
      if (!more()) break;
      if (!s.ended || !which(s)) continue;
      if (s.release()) this.counters.tablesReleased++;
      this.#sessions.delete(s.id);
      this.counters.removed++;
      removed.push(s.id);
    }
    return removed;
  }

  /** The oldest ended sessions, until at most `limit` are held. */
  removeOverCount(limit: number): string[] {
    if (this.#sessions.size <= limit) return [];
    return this.removeEnded(
      () => true,
      () => this.#sessions.size > limit,
    );
  }

  stats(): SessionRegistryStats {
    const byStatus = emptyByStatus();
    let tablesRetained = 0;
    for (const s of this.#sessions.values()) {
      byStatus[s.state.status]++;
      if (s.tables !== null) tablesRetained++;
    }
    return { size: this.size, byStatus, running: this.runningCount(), tablesRetained, ...this.counters };
  }
}

function checkOptions(o: SessionRegistryOptions): void {
  for (const k of ['maxAgeMin', 'maxCount', 'sweepIntervalS', 'maxRunning', 'sliceMs'] as const) {
    if (!(o[k] > 0)) throw new RangeError(`sessions.${k}: expected a positive number, got ${o[k]}`);
  }
  if (o.tpsSteps.length === 0 || !o.tpsSteps.every((t) => t >= 5 && t <= 100)) {
    throw new RangeError(
      `sessions.tpsSteps: expected 1 or more throttle positions in 5–100 %, got [${o.tpsSteps.join(', ')}]`,
    );
  }
}

/** Why a start is refused now (running bound, count bound), or null; makes room by dropping old ended sessions. */
function admissionRefusal(table: SessionTable, o: SessionRegistryOptions): SessionError | null {
  const running = table.runningCount();
  if (running >= o.maxRunning) {
    return new SessionError(
      'TOO_MANY_RUNNING',
      `${running} sessions are running (limit ${o.maxRunning}); stop one or retry when one ends`,
      { running, limit: o.maxRunning },
    );
  }
  // Keep the count bounded between sweeps too: make room by dropping the oldest ended sessions.
  table.removeOverCount(o.maxCount - 1);
  if (table.size >= o.maxCount) {
    return new SessionError('TOO_MANY_RUNNING', `${table.size} sessions held, none ended (limit ${o.maxCount})`, {
      held: table.size,
      limit: o.maxCount,
    });
  }
  return null;
}

/** The age / count sweep: ended sessions older than maxAge (minutes since their end), then the oldest over maxCount. */
function sweeper(table: SessionTable, o: SessionRegistryOptions, announce: () => void) {
  return (maxAgeMin = o.maxAgeMin): string[] => {
    table.counters.sweeps++;
    const now = o.now();
    const maxAgeMs = maxAgeMin * 60_000;
    // An ended session is removed once maxAge has passed since its end (at exactly maxAge, not a sweep later).
    const removed = table.removeEnded((s) => s.state.endedAt !== null && now - s.state.endedAt >= maxAgeMs);
    removed.push(...table.removeOverCount(o.maxCount));
    if (removed.length > 0) {
      log.info({ removed: removed.length, remaining: table.size }, 'session sweep');
      announce();
    }
    return removed;
  };
}

/** start(): validates, admits (or counts the refusal and throws it), creates and announces the session. */
function starter(
  table: SessionTable,
  o: SessionRegistryOptions,
  disposed: () => boolean,
  announce: () => void,
): (input: unknown) => SessionSnapshot {
  let counter = 1000;
  const refusalOf = (input: unknown): { config: SessionConfig } | { refusal: unknown } => {
    if (disposed()) return { refusal: new SessionError('REGISTRY_DISPOSED', 'the session registry is shut down') };
    let config: SessionConfig;
    try {
      config = parseSessionConfig(input);
    } catch (err) {
      return { refusal: err };
    }
    const refusal = admissionRefusal(table, o);
    return refusal ? { refusal } : { config };
  };
  return (input) => {
    const admitted = refusalOf(input);
    if ('refusal' in admitted) {
      table.counters.rejected++;
      throw admitted.refusal;
    }
    const now = o.now();
    const id = `tune_${Math.floor(now / 1000)}_${counter++}`;
    const session = createSession(id, admitted.config, {
      createPlant: o.createPlant,
      tpsSteps: o.tpsSteps,
      sliceMs: o.sliceMs,
      now: o.now,
    });
    table.add(session);
    session.done.then(announce, announce);
    announce();
    return toSnapshot(session.state, now);
  };
}

/** Asks a running session to stop and resolves with its final snapshot; an ended one is SESSION_NOT_RUNNING. */
async function stopSession(s: Session, now: () => number): Promise<SessionSnapshot> {
  if (!s.stop()) {
    throw new SessionError(
      'SESSION_NOT_RUNNING',
      `session_id: session "${s.id}" has already ended (${s.state.status})`,
    );
  }
  return toSnapshot(await s.done, now());
}

/**
 * Every mutation is synchronous (no await between reading and changing the map), so interleaved callers can never
 * see a half-done start, stop or removal: in Node that is the whole of "thread safety". Only `stop` awaits, and only
 * after its request is recorded; it reads the session object it already holds, so a concurrent removal cannot hurt.
 */
export function createSessionRegistry(options: Partial<SessionRegistryOptions> = {}): SessionRegistry {
  const o: SessionRegistryOptions = { ...DEFAULT_SESSION_REGISTRY_OPTIONS, ...options };
  checkOptions(o);
  const table = new SessionTable();
  const changes = new Subject<SessionSummary[]>();
  const dispose$ = new Subject<void>();
  let disposed = false;

  const list = (): SessionSummary[] => table.list(o.now());
  const announce = (): void => {
    if (!disposed) changes.next(list());
  };

  const sweep = sweeper(table, o, announce);

  // The registry's own stream: the sweep ticks until dispose. Subscribed once, here.
  interval(o.sweepIntervalS * 1000, o.scheduler)
    .pipe(
      tap(() => sweep(o.maxAgeMin)),
      takeUntil(dispose$),
    )
    .subscribe({ error: (err: unknown) => log.error({ err }, 'session sweep failed') });

  const start = starter(table, o, () => disposed, announce);

  const cleanup = (request: CleanupRequest = {}): CleanupResult => {
    let removed: string[];
    if (request.all_completed === true) {
      removed = table.removeEnded(() => true);
      if (removed.length > 0) announce();
    } else {
      removed = sweep(request.max_age_minutes);
    }
    return { success: true, removed, remaining: table.size, message: `Cleaned up ${removed.length} session(s)` };
  };

  return {
    start,
    // async: an unknown id rejects the promise, it does not throw at the call.
    stop: async (id) => stopSession(table.get(id), o.now),
    snapshot: (id) => toSnapshot(table.get(id).state, o.now()),
    results: (id) => {
      const s = table.get(id);
      return toResults(s.state, s.tables, o.now());
    },
    list,
    watch(id) {
      const s = table.get(id);
      const state = s.state;
      // events$ is hot, so it starts after the snapshot; the filter makes "never twice" hold by construction.
      return { snapshot: toSnapshot(state, o.now()), events$: s.events$.pipe(filter((e) => e.seq > state.seq)) };
    },
    has: (id) => table.has(id),
    cleanup,
    sweep,
    changes$: changes.asObservable(),
    stats: () => table.stats(),
    get size() {
      return table.size;
    },
    get disposed() {
      return disposed;
    },
    dispose() {
      if (disposed) return;
      disposed = true;
      dispose$.next();
      dispose$.complete();
      for (const s of table.all()) s.stop();
      changes.complete();
    },
  };
}
