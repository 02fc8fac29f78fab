import { Observable } from 'rxjs';
import type { Socket } from 'socket.io-client';
import type { ClientToServerEvents, Result, ServerToClientEvents } from '@jetdrive-hub/client/contract';
import { HubError } from './hub-error.js';
import type {
  CleanupRequest,
  CleanupResult,
  SessionEvent,
  SessionResults,
  SessionSnapshot,
  SessionStartInput,
  SessionSummary,
} from '@jetdrive-hub/client/contract';

/** Virtual tuning sessions over the hub's socket (the same commands the HTTP API offers). */
export interface SessionsApi {
  start(config?: SessionStartInput): Promise<SessionSnapshot>;
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

const TERMINAL: ReadonlySet<string> = new Set(['converged', 'failed', 'stopped', 'max_iterations']);

type Request = <T>(send: (ack: (error: Error | null, result: Result<T>) => void) => void) => Promise<T>;

export function createSessionsApi(deps: {
  socket: Socket<ServerToClientEvents, ClientToServerEvents>;
  request: Request;
  requestTimeoutMs: number;
}): SessionsApi {
  const { socket, request, requestTimeoutMs } = deps;
  const timed = () => socket.timeout(requestTimeoutMs);

  function events$(id: string): Observable<SessionEvent> {
    return new Observable<SessionEvent>((subscriber) => {
      let lastSeq = -1;
      const onEvent = (event: SessionEvent) => {
        if (event.sessionId !== id || event.seq <= lastSeq) return;
        lastSeq = event.seq;
        subscriber.next(event);
        if (event.type === 'terminal') subscriber.complete();
      };
      const watch = () => {
        timed().emit('session:watch', id, (error, result) => {
          if (error) return;
          if (!result.ok) return subscriber.error(new HubError(result.error));
          // Events up to the snapshot's seq are already in it; a session that ended before we watched is done.
          lastSeq = Math.max(lastSeq, result.data.seq);
          if (TERMINAL.has(result.data.status)) subscriber.complete();
        });
      };
      socket.on('session:event', onEvent);
      socket.on('connect', watch);
      if (socket.connected) watch();
      return () => {
        socket.off('session:event', onEvent);
        socket.off('connect', watch);
        if (socket.connected) socket.emit('session:unwatch', id, () => {});
      };
    });
  }

  return {
    start: (config = {}) => request<SessionSnapshot>((ack) => timed().emit('session:start', config, ack)),
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
