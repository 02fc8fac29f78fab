import { Observable, ReplaySubject } from 'rxjs';
import type { Socket } from 'socket.io-client';
import type { ClientToServerEvents, Result, ServerToClientEvents } from '@jetdrive-hub/client/contract';
import type {
  CleanupRequest,
  CleanupResult,
  SessionEvent,
  SessionResults,
  SessionSnapshot,
  SessionStartInput,
  SessionSummary,
} from '@jetdrive-hub/client/contract';
import { sessionEvents$ } from './session-events.js';

/** Virtual tuning sessions over the hub's socket (the same commands the HTTP API offers). */
export interface SessionsApi {
  start(config?: SessionStartInput): Promise<SessionSnapshot>;
  /**
   * Starts a session and gives its events from the first one after the start snapshot (listening began before the
   * start was sent, and the hub makes the starting socket watch it). `events$` replays what came before it was
   * subscribed and completes after `terminal`.
   */
  run(config?: SessionStartInput): Promise<{ snapshot: SessionSnapshot; events$: Observable<SessionEvent> }>;
  /**
   * The session's events after the hub's snapshot at watch time; re-watches after a reconnect, skips repeats,
   * completes after `terminal` (at once when the session had already ended).
   */
  events$(id: string): Observable<SessionEvent>;
  stop(id: string): Promise<SessionSnapshot>;
  list(): Promise<SessionSummary[]>;
  results(id: string): Promise<SessionResults>;
  cleanup(options?: CleanupRequest): Promise<CleanupResult>;
  /** Session list pushed by the hub whenever a session starts, changes status or is removed. */
  readonly changed$: Observable<SessionSummary[]>;
}

/** One command round trip: sends with an ack, resolves with the data or rejects with a HubError. */
export type Request = <T>(send: (ack: (error: Error | null, result: Result<T>) => void) => void) => Promise<T>;

/** What an API over the hub's socket is built from (connectHub passes the same to each). */
export interface SocketApiDeps {
  socket: Socket<ServerToClientEvents, ClientToServerEvents>;
  request: Request;
  requestTimeoutMs: number;
}

export function createSessionsApi(deps: SocketApiDeps): SessionsApi {
  const { socket, request, requestTimeoutMs } = deps;
  const timed = () => socket.timeout(requestTimeoutMs);

  const events$ = (id: string) => sessionEvents$(socket, requestTimeoutMs, id);

  const start = (config: SessionStartInput = {}) =>
    request<SessionSnapshot>((ack) => timed().emit('session:start', config, ack));

  async function run(config: SessionStartInput = {}) {
    // Events can arrive in the same read as the start ack, before any code after `await start()` runs: collect from
    // before the start, keep what belongs to the session, and hand the rest of the stream over to events$(id).
    const early: SessionEvent[] = [];
    const collect = (event: SessionEvent) => early.push(event);
    socket.on('session:event', collect);
    let snapshot: SessionSnapshot;
    try {
      snapshot = await start(config);
    } catch (error) {
      socket.off('session:event', collect);
      throw error;
    }
    const id = snapshot.session_id;
    const replay = new ReplaySubject<SessionEvent>();
    let lastSeq = snapshot.seq;
    const forward = (event: SessionEvent) => {
      if (event.sessionId !== id || event.seq <= lastSeq) return;
      lastSeq = event.seq;
      replay.next(event);
      if (event.type === 'terminal') replay.complete();
    };
    for (const event of early) forward(event);
    socket.off('session:event', collect);
    // events$(id) listens from now on (synchronously after the early events, so nothing falls in between).
    events$(id).subscribe({
      next: forward,
      error: (error: unknown) => replay.error(error),
      complete: () => replay.complete(),
    });
    return { snapshot, events$: replay.asObservable() };
  }

  return {
    start,
    run,
    events$,
    stop: (id) => request<SessionSnapshot>((ack) => timed().emit('session:stop', id, ack)),
    list: () => request<SessionSummary[]>((ack) => timed().emit('session:list', ack)),
    results: (id) => request<SessionResults>((ack) => timed().emit('session:results', id, ack)),
    cleanup: (options = {}) => request<CleanupResult>((ack) => timed().emit('session:cleanup', options, ack)),
    changed$: new Observable<SessionSummary[]>((subscriber) => {
      const onChanged = (sessions: SessionSummary[]) => subscriber.next(sessions);
      socket.on('sessions:changed', onChanged);
      return () => socket.off('sessions:changed', onChanged);
    }),
  };
}
