import {
  cleanupRequestSchema,
  noPayloadSchema,
  sessionIdSchema,
  sessionStartSchema,
} from '@jetdrive-hub/client/contract';
import { asyncScheduler, fromEvent, type Subscription, take, throttleTime } from 'rxjs';
import type { HubServer, HubSocket } from '../auth/socket-data.js';
import { createLogger } from '../log.js';
import { type CommandOptions, onCommand } from '../realtime/on-command.js';
import { START_FIELDS } from './session-config.js';
import { SessionError } from './session-error.js';
import type { SessionRegistry } from './session-registry.js';

export type SessionServer = HubServer;

export interface SessionSocketOptions {
  /** Sessions one socket may watch at once. */
  maxWatchesPerSocket: number;
  /** sessions:changed is sent at most once per this many ms (first and last of a burst). */
  listThrottleMs: number;
}

export const DEFAULT_SESSION_SOCKET_OPTIONS: Readonly<SessionSocketOptions> = Object.freeze({
  maxWatchesPerSocket: 32,
  listThrottleMs: 100,
});

const log = createLogger('sessions');

/** The Socket.IO room of one session's watchers (a cluster's ingest node joins remote sockets to it). */
export const sessionRoomOf = (id: string): string => `session:${id}`;
const roomOf = sessionRoomOf;

function logStopFailure(err: unknown, id: string): void {
  if (err instanceof SessionError && err.code === 'SESSION_NOT_RUNNING') return;
  log.warn({ err, session: id }, 'could not stop the session of a disconnected socket');
}

/** Session payloads fail as VALIDATION_FAILED (as over HTTP), named by their field. */
const validation = (root: string, prefix?: string): CommandOptions => ({
  invalidCode: 'VALIDATION_FAILED',
  prefixEvent: false,
  describe: prefix === undefined ? { root } : { prefix },
});
const BY_ID = validation('sessionId');
const NO_PAYLOAD = validation('payload');
const START = validation(START_FIELDS.root);
const CLEANUP = validation('request', 'request');

/** How each session command's payload is validated and its refusals named (an edge forwarding them uses the same). */
export const SESSION_COMMAND_OPTIONS = Object.freeze({
  byId: BY_ID,
  noPayload: NO_PAYLOAD,
  start: START,
  cleanup: CLEANUP,
});

/** One forwarder per watched session into its room, so N watchers cost one subscription. */
class SessionForwarders {
  readonly #io: SessionServer;
  readonly #registry: SessionRegistry;
  readonly #forwarders = new Map<string, Subscription>();

  constructor(io: SessionServer, registry: SessionRegistry) {
    this.#io = io;
    this.#registry = registry;
  }

  ensure(id: string): void {
    if (this.#forwarders.has(id)) return;
    const { events$ } = this.#registry.watch(id);
    const sub = events$.subscribe({
      next: (event) => this.#io.to(roomOf(id)).emit('session:event', event),
      complete: () => this.#forwarders.delete(id),
    });
    // A session that had already ended completes synchronously above; keep no forwarder for it.
    if (!sub.closed) this.#forwarders.set(id, sub);
  }

  close(): void {
    for (const sub of this.#forwarders.values()) sub.unsubscribe();
    this.#forwarders.clear();
  }
}

/** What one socket watches and started (its started sessions are stopped when it disconnects). */
interface SocketSessions {
  watching: Set<string>;
  started: Set<string>;
}

function registerWatchCommands(
  socket: HubSocket,
  state: SocketSessions,
  registry: SessionRegistry,
  forwarders: SessionForwarders,
  maxWatches: number,
): void {
  onCommand(
    socket,
    'session:watch',
    sessionIdSchema,
    (id) => {
      if (!state.watching.has(id) && state.watching.size >= maxWatches) {
        throw new SessionError(
          'TOO_MANY_WATCHES',
          `sessionId: this connection already watches ${state.watching.size} sessions (limit ${maxWatches})`,
          undefined,
          'sessionId',
        );
      }
      // Synchronous from here to the ack: no event can slip between the snapshot, the room join and the ack.
      const { snapshot } = registry.watch(id);
      forwarders.ensure(id);
      socket.join(roomOf(id));
      state.watching.add(id);
      return snapshot;
    },
    BY_ID,
  );
  onCommand(
    socket,
    'session:unwatch',
    sessionIdSchema,
    (id) => {
      socket.leave(roomOf(id));
      state.watching.delete(id);
      return { id };
    },
    BY_ID,
  );
}

function registerControlCommands(
  socket: HubSocket,
  state: SocketSessions,
  registry: SessionRegistry,
  forwarders: SessionForwarders,
): void {
  onCommand(
    socket,
    'session:start',
    sessionStartSchema,
    (config) => {
      const snapshot = registry.start(config);
      const id = snapshot.session_id;
      state.started.add(id);
      // The starter watches its session from the first event (synchronously, before the ack): a client that asks
      // session:watch after the ack would otherwise miss what happened in between (the first progress events).
      forwarders.ensure(id);
      socket.join(roomOf(id));
      state.watching.add(id);
      return snapshot;
    },
    START,
  );
  onCommand(socket, 'session:stop', sessionIdSchema, (id) => registry.stop(id), BY_ID);
  onCommand(socket, 'session:cleanup', cleanupRequestSchema, (request) => registry.cleanup(request), CLEANUP);
}

function registerReadCommands(socket: HubSocket, registry: SessionRegistry): void {
  onCommand(socket, 'session:list', noPayloadSchema, () => registry.list(), NO_PAYLOAD);
  onCommand(socket, 'session:results', sessionIdSchema, (id) => registry.results(id), BY_ID);
}

export interface SessionSocketHandlers {
  /** Stops forwarding and broadcasting (sockets keep their own handlers until they disconnect). */
  detach(): void;
  /** Forwards the session's events to its room from now on (a cluster's ingest node, for watchers on edges). */
  forward(id: string): void;
}

/**
 * Session commands over Socket.IO. A watcher gets the snapshot in its ack and then every later `session:event` in
 * order. Control commands (start, stop, cleanup) need the operator role: the hub's socket guard (server/auth) checks
 * every command packet against SOCKET_COMMAND_ROLES before it reaches these handlers. Sessions a socket started are
 * stopped when it disconnects. Every command answers through onCommand: `{ ok: false, error }`, never a throw.
 */
export function attachSessionSocketHandlers(
  io: SessionServer,
  registry: SessionRegistry,
  options: Partial<SessionSocketOptions> = {},
): SessionSocketHandlers {
  const o = { ...DEFAULT_SESSION_SOCKET_OPTIONS, ...options };
  const forwarders = new SessionForwarders(io, registry);
  const changesSub = registry.changes$
    .pipe(throttleTime(o.listThrottleMs, asyncScheduler, { leading: true, trailing: true }))
    .subscribe((sessions) => io.emit('sessions:changed', sessions));

  const onConnection = (socket: HubSocket): void => {
    const state: SocketSessions = { watching: new Set(), started: new Set() };
    registerWatchCommands(socket, state, registry, forwarders, o.maxWatchesPerSocket);
    registerControlCommands(socket, state, registry, forwarders);
    registerReadCommands(socket, registry);
    fromEvent(socket, 'disconnect')
      .pipe(take(1))
      .subscribe(() => {
        for (const id of state.started) {
          // It may have ended meanwhile (SESSION_NOT_RUNNING): expected. Anything else is logged, not swallowed.
          if (registry.has(id)) registry.stop(id).catch((err: unknown) => logStopFailure(err, id));
        }
        state.started.clear();
        state.watching.clear();
      });
  };

  io.on('connection', onConnection);

  return {
    detach() {
      io.off('connection', onConnection);
      changesSub.unsubscribe();
      forwarders.close();
    },
    forward: (id) => forwarders.ensure(id),
  };
}
