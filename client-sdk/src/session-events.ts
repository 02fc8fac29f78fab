import { Observable } from 'rxjs';
import type { Socket } from 'socket.io-client';
import type { ClientToServerEvents, SessionEvent, ServerToClientEvents } from '@jetdrive-hub/client/contract';
import { HubError } from './hub-error.js';

const TERMINAL: ReadonlySet<string> = new Set(['converged', 'failed', 'stopped', 'max_iterations']);

/**
 * One session's events after the hub's snapshot at watch time: watches on subscribe and again after every
 * reconnect, skips repeats (by seq), completes after `terminal` (at once when the session had already ended), and
 * unwatches on teardown.
 */
export function sessionEvents$(
  socket: Socket<ServerToClientEvents, ClientToServerEvents>,
  requestTimeoutMs: number,
  id: string,
): Observable<SessionEvent> {
  return new Observable<SessionEvent>((subscriber) => {
    let lastSeq = -1;
    const onEvent = (event: SessionEvent) => {
      if (event.sessionId !== id || event.seq <= lastSeq) return;
      lastSeq = event.seq;
      subscriber.next(event);
      if (event.type === 'terminal') subscriber.complete();
    };
    const watch = () => {
      socket.timeout(requestTimeoutMs).emit('session:watch', id, (error, result) => {
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
