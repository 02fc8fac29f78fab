import type { SessionEvent, SessionEventBody } from '@jetdrive-hub/client/contract';
import {
  BehaviorSubject,
  concat,
  defer,
  from,
  lastValueFrom,
  map,
  type Observable,
  of,
  Subject,
  scan,
  share,
} from 'rxjs';
import { createLogger } from '../log.js';
import { sharedTimeSlicer, type TimeSlicer } from './create-time-slicer.js';
import type { SessionConfig } from './session-config.js';
import { initialSessionState, isTerminal, reduceSession, type SessionState } from './session-state.js';
import { type SessionTables, type TuneStep, tuneSteps } from './tune-steps.js';
import type { PlantFactory } from './tuning-plant.js';

const log = createLogger('sessions');

export interface SessionRunOptions {
  createPlant: PlantFactory;
  tpsSteps: readonly number[];
  /** CPU budget (ms) the loop may take before it yields to the event loop; stop is honoured at each yield. */
  sliceMs: number;
  now: () => number;
  /** Who hands out turns; default the process-wide one, so all sessions together take one slice per loop turn. */
  slicer?: TimeSlicer;
}

export interface Session {
  readonly id: string;
  readonly config: SessionConfig;
  /** Hot: this session's events from now on, in order; completes after the terminal event. */
  readonly events$: Observable<SessionEvent>;
  /** The reducer's state after every event so far. */
  readonly state: SessionState;
  readonly ended: boolean;
  /** Resolves with the final state once the terminal event is folded in. */
  readonly done: Promise<SessionState>;
  /** The VE and per-iteration tables, or null once released. */
  readonly tables: SessionTables | null;
  /** Asks the loop to stop at its next chunk boundary; false if the session has already ended. */
  stop(): boolean;
  /** Frees the tables of an ended session (a running one keeps them); true if something was freed. */
  release(): boolean;
}

const errorMessage = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/**
 * Runs the synchronous tuning loop in slices: once `sliceMs` has gone by it waits for its next turn from the slicer
 * (a later event-loop turn, so I/O and timers run in between), and it checks for a stop before every step. So the
 * sessions never block the loop for more than about one slice, and a stop takes effect before the next chunk.
 */
async function* drive(
  steps: Generator<TuneStep, void>,
  stopRequested: () => boolean,
  sliceMs: number,
  slicer: TimeSlicer,
): AsyncGenerator<SessionEventBody> {
  try {
    yield* slices(steps, stopRequested, sliceMs, slicer);
  } finally {
    // Ends the generator (also when the driver is abandoned), so its frame is freed.
    steps.return();
  }
}

async function* slices(
  steps: Generator<TuneStep, void>,
  stopRequested: () => boolean,
  sliceMs: number,
  slicer: TimeSlicer,
): AsyncGenerator<SessionEventBody> {
  let sliceStart = performance.now();
  for (;;) {
    if (stopRequested()) {
      yield { type: 'terminal', status: 'stopped', message: 'Stopped by request' };
      return;
    }
    let next: IteratorResult<TuneStep, void>;
    try {
      next = steps.next();
    } catch (err) {
      yield { type: 'terminal', status: 'failed', message: errorMessage(err) };
      return;
    }
    if (next.done) {
      // tuneSteps always ends with a terminal event; reaching here would be a bug, and it must not leave a session
      // running forever.
      yield { type: 'terminal', status: 'failed', message: 'Tuning loop ended without a result' };
      return;
    }
    const step = next.value;
    if (step.type === 'chunk') {
      if (performance.now() - sliceStart >= sliceMs) {
        await slicer.nextSlice();
        sliceStart = performance.now();
      }
      continue;
    }
    yield step;
    if (step.type === 'terminal') return;
  }
}

export function createSession(id: string, config: SessionConfig, options: SessionRunOptions): Session {
  let stopRequested = false;
  let tables: SessionTables | null = {
    veFront: new Float64Array(0),
    veRear: new Float64Array(0),
    corrections: [],
    lastCellMaps: null,
  };
  const heldTables = tables;
  let seq = 0;
  const stamp = (body: SessionEventBody): SessionEvent => ({ ...body, sessionId: id, seq: seq++, at: options.now() });
  // The generator lives only in the driver's frame: once the session ends, its plant, bins and scratch tables go.
  const run = (): AsyncGenerator<SessionEventBody> =>
    drive(
      tuneSteps(config, { createPlant: options.createPlant, tpsSteps: options.tpsSteps, now: options.now }, heldTables),
      () => stopRequested,
      options.sliceMs,
      options.slicer ?? sharedTimeSlicer,
    );
  const events$ = concat(
    of<SessionEventBody>({ type: 'created', config }),
    defer(() => from(run())),
  ).pipe(
    map(stamp),
    // One run shared by the reducer and every watcher; a late watcher gets completion, never a second run.
    share({
      connector: () => new Subject<SessionEvent>(),
      resetOnComplete: false,
      resetOnError: false,
      resetOnRefCountZero: false,
    }),
  );
  const initial = initialSessionState(id);
  const state$ = new BehaviorSubject<SessionState>(initial);
  // The reducer subscribes first, so a watcher handed `state` then subscribing to `events$` sees every later event.
  events$.pipe(scan(reduceSession, initial)).subscribe(state$);
  const done = lastValueFrom(state$);
  done.then(
    (s) => log.debug({ sessionId: id, status: s.status, iterations: s.iterations.length }, 'session ended'),
    (err: unknown) => log.error({ sessionId: id, err }, 'session stream failed'),
  );

  return {
    id,
    config,
    events$,
    get state() {
      return state$.getValue();
    },
    get ended() {
      return isTerminal(state$.getValue().status);
    },
    done,
    get tables() {
      return tables;
    },
    stop() {
      if (isTerminal(state$.getValue().status)) return false;
      stopRequested = true;
      return true;
    },
    release() {
      if (tables === null || !isTerminal(state$.getValue().status)) return false;
      tables = null;
      heldTables.veFront = new Float64Array(0);
      heldTables.veRear = new Float64Array(0);
      heldTables.corrections.length = 0;
      heldTables.lastCellMaps = null;
      return true;
    },
  };
}
