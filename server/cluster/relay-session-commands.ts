import {
  cleanupRequestSchema,
  noPayloadSchema,
  sessionIdSchema,
  sessionStartSchema,
} from '@jetdrive-hub/client/contract';
import type { HubServer, HubSocket } from '../auth/socket-data.js';
import {
  SESSION_COMMAND_OPTIONS,
  type SessionRegistry,
  type SessionSocketHandlers,
  sessionRoomOf,
} from '../sessions/index.js';
import type { CommandRelay, RelayExecutor } from './command-relay.js';
import { onEachConnection, relaySocketCommand as relay } from './relay-socket-command.js';

/**
 * An edge's session commands: the same names, schemas and refusals as on one node (the socket guard has already
 * checked the role), carried out by the ingest node through the relay. As on one node, the sessions a socket
 * started are stopped when it disconnects.
 */
export function attachRelayedSessionCommands(io: HubServer, relayTo: CommandRelay): { detach(): void } {
  const o = SESSION_COMMAND_OPTIONS;
  return onEachConnection(io, (socket: HubSocket) => {
    // Bounded by the ingest node's running-session cap: a start beyond it is refused and not recorded.
    const started = new Set<string>();
    relay(socket, relayTo, 'session:start', sessionStartSchema, o.start, { onDone: (s) => started.add(s.session_id) });
    relay(socket, relayTo, 'session:stop', sessionIdSchema, o.byId, { onDone: (s) => started.delete(s.session_id) });
    relay(socket, relayTo, 'session:watch', sessionIdSchema, o.byId);
    relay(socket, relayTo, 'session:unwatch', sessionIdSchema, o.byId);
    relay(socket, relayTo, 'session:results', sessionIdSchema, o.byId);
    relay(socket, relayTo, 'session:list', noPayloadSchema, o.noPayload);
    relay(socket, relayTo, 'session:cleanup', cleanupRequestSchema, o.cleanup);
    socket.once('disconnect', () => {
      // It may have ended meanwhile (SESSION_NOT_RUNNING): nothing to do about the answer either way.
      for (const id of started) void relayTo.request('session:stop', id, socket.id);
      started.clear();
    });
  });
}

/**
 * The ingest node's side: runs a relayed session command against its registry. A starter or watcher on an edge
 * joins the session's room through the adapter before the events are forwarded to it, so it misses none.
 */
export function sessionCommandExecutor(
  io: HubServer,
  registry: SessionRegistry,
  handlers: SessionSocketHandlers,
): RelayExecutor {
  const follow = (id: string, socketId: string): void => {
    io.in(socketId).socketsJoin(sessionRoomOf(id));
    handlers.forward(id);
  };
  return (command, payload, socketId) => {
    switch (command) {
      case 'session:start': {
        const snapshot = registry.start(payload);
        follow(snapshot.session_id, socketId);
        return snapshot;
      }
      case 'session:watch': {
        const id = sessionIdSchema.parse(payload);
        const { snapshot } = registry.watch(id);
        follow(id, socketId);
        return snapshot;
      }
      case 'session:unwatch': {
        const id = sessionIdSchema.parse(payload);
        io.in(socketId).socketsLeave(sessionRoomOf(id));
        return { id };
      }
      case 'session:stop':
        return registry.stop(sessionIdSchema.parse(payload));
      case 'session:results':
        return registry.results(sessionIdSchema.parse(payload));
      case 'session:list':
        return registry.list();
      case 'session:cleanup':
        return registry.cleanup(cleanupRequestSchema.parse(payload ?? {}));
    }
  };
}
