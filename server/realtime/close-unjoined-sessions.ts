import type { Server, Socket } from 'socket.io';

type EngineSession = Socket['conn'];

export interface UnjoinedSessions {
  /** Sessions closed because they had not joined the namespace within the connect timeout. */
  closed(): number;
  dispose(): void;
}

/**
 * Closes every Engine.IO session that has not joined the namespace within `timeoutMs`, discarding its transport.
 * Socket.IO's own connectTimeout closes politely, and a long-polling session that never polls again then lingers
 * for Engine.IO's fixed 30 s close timeout: a client making handshakes it never uses held them all that long.
 * One timer per waiting session; the hub's handshake gate bounds how many wait.
 */
export function closeUnjoinedSessions(io: Server, timeoutMs: number): UnjoinedSessions {
  const waiting = new Map<EngineSession, ReturnType<typeof setTimeout>>();
  let closed = 0;
  const forget = (session: EngineSession): void => {
    const timer = waiting.get(session);
    if (timer === undefined) return;
    clearTimeout(timer);
    waiting.delete(session);
  };
  const onSession = (session: EngineSession): void => {
    const timer = setTimeout(() => {
      waiting.delete(session);
      closed++;
      session.close(true);
    }, timeoutMs);
    waiting.set(session, timer);
    session.once('close', () => forget(session));
  };
  const onJoin = (socket: Socket): void => forget(socket.conn);
  io.engine.on('connection', onSession);
  io.on('connection', onJoin);
  return {
    closed: () => closed,
    dispose() {
      io.engine.off('connection', onSession);
      io.off('connection', onJoin);
      for (const timer of waiting.values()) clearTimeout(timer);
      waiting.clear();
    },
  };
}
