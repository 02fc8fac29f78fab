import type { Server, Socket } from 'socket.io';
import { asyncScheduler, fromEvent, type Subscription, take, throttleTime } from 'rxjs';
import { z } from 'zod';
import type { AckError, ClientToServerEvents, Result, ServerToClientEvents } from '../../client-sdk/src/events.js';
import { createLogger } from '../log.js';
import { noPayloadSchema } from '../realtime/command-schemas.js';
import { cleanupRequestSchema } from './cleanup-request.js';
import { SessionError } from './session-error.js';
import type { SessionRegistry } from './session-registry.js';

const log = createLogger('sessions');

export type SessionServer = Server<ClientToServerEvents, ServerToClientEvents>;
type SessionSocket = Socket<ClientToServerEvents, ServerToClientEvents>;

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

const sessionIdSchema = z.string().min(1).max(64);
const roomOf = (id: string): string => `session:${id}`;

function describe(error: z.ZodError, what: string): string {
  return error.issues
    .slice(0, 3)
    .map((i) => `${[what, ...i.path.map(String)].join('.')}: ${i.message}`)
    .join('; ');
}

function toAckError(err: unknown): AckError {
  if (err instanceof SessionError) return { code: err.code, message: err.message };
  log.error({ err }, 'session command failed');
  return { code: 'INTERNAL', message: 'internal error' };
}

type AckFn = (result: Result<unknown>) => void;

/** Splits raw handler args into payload and ack (the last function), whatever the client sent. */
function splitArgs(args: unknown[]): { payload: unknown; ack: AckFn | null } {
  const last = args.at(-1);
  const ack = typeof last === 'function' ? (last as AckFn) : null;
  const payloadArgs = ack ? args.slice(0, -1) : args;
  return { payload: payloadArgs[0], ack };
}

export interface SessionSocketHandlers {
  /** Stops forwarding and broadcasting (sockets keep their own handlers until they disconnect). */
  detach(): void;
}

/**
 * Session commands over Socket.IO. Each session being watched has one forwarder into its room, so N watchers
 * cost one subscription; a watcher gets the snapshot in its ack and then every later `session:event` in order.
 * Control commands (start, stop, cleanup) need the operator role: the hub's socket guard (server/auth) checks every
 * command packet against SOCKET_COMMAND_ROLES before it reaches these handlers. Sessions a socket started are stopped
 * when it disconnects. Acks never throw over the wire: bad payloads and failures answer `{ ok: false, error }`.
 */
export function attachSessionSocketHandlers(
  io: SessionServer,
  registry: SessionRegistry,
  options: Partial<SessionSocketOptions> = {},
): SessionSocketHandlers {
  const o = { ...DEFAULT_SESSION_SOCKET_OPTIONS, ...options };
  const forwarders = new Map<string, Subscription>();

  const ensureForwarder = (id: string): void => {
    if (forwarders.has(id)) return;
    const { events$ } = registry.watch(id);
    const sub = events$.subscribe({
      next: (event) => io.to(roomOf(id)).emit('session:event', event),
      complete: () => forwarders.delete(id),
    });
    // A session that had already ended completes synchronously above; keep no forwarder for it.
    if (!sub.closed) forwarders.set(id, sub);
  };

  const changesSub = registry.changes$
    .pipe(throttleTime(o.listThrottleMs, asyncScheduler, { leading: true, trailing: true }))
    .subscribe((sessions) => io.emit('sessions:changed', sessions));

  const onConnection = (socket: SessionSocket): void => {
    const watching = new Set<string>();
    const started = new Set<string>();

    const command = <T>(name: string, run: (payload: unknown) => T | Promise<T>): ((...args: unknown[]) => void) => {
      return (...args: unknown[]) => {
        const { payload, ack } = splitArgs(args);
        const reply = (result: Result<unknown>): void => {
          if (ack) ack(result);
        };
        // Synchronous commands answer in the same tick: a watcher's ack (with its snapshot) is written before any
        // later session:event can be, so the client sees the snapshot first.
        let result: T | Promise<T>;
        try {
          result = run(payload);
        } catch (err) {
          reply({ ok: false, error: toAckError(err) });
          return;
        }
        if (!(result instanceof Promise)) {
          reply({ ok: true, data: result });
          return;
        }
        result
          .then(
            (data) => reply({ ok: true, data }),
            (err: unknown) => reply({ ok: false, error: toAckError(err) }),
          )
          .catch((err: unknown) => log.warn({ err, command: name }, 'session ack failed'));
      };
    };

    const parseId = (payload: unknown, what: string): string => {
      const parsed = sessionIdSchema.safeParse(payload);
      if (!parsed.success) throw new SessionError('VALIDATION_FAILED', describe(parsed.error, what));
      return parsed.data;
    };

    socket.on(
      'session:watch',
      command('session:watch', (payload) => {
        const id = parseId(payload, 'sessionId');
        if (!watching.has(id) && watching.size >= o.maxWatchesPerSocket) {
          throw new SessionError(
            'TOO_MANY_WATCHES',
            `sessionId: this connection already watches ${watching.size} sessions (limit ${o.maxWatchesPerSocket})`,
          );
        }
        // Synchronous from here to the ack: no event can slip between the snapshot, the room join and the ack.
        const { snapshot } = registry.watch(id);
        ensureForwarder(id);
        socket.join(roomOf(id));
        watching.add(id);
        return snapshot;
      }),
    );

    socket.on(
      'session:unwatch',
      command('session:unwatch', (payload) => {
        const id = parseId(payload, 'sessionId');
        socket.leave(roomOf(id));
        watching.delete(id);
        return { id };
      }),
    );

    socket.on(
      'session:start',
      command('session:start', (payload) => {
        const snapshot = registry.start(payload);
        started.add(snapshot.session_id);
        return snapshot;
      }),
    );

    socket.on(
      'session:stop',
      command('session:stop', (payload) => registry.stop(parseId(payload, 'sessionId'))),
    );

    socket.on(
      'session:list',
      command('session:list', (payload) => {
        const parsed = noPayloadSchema.safeParse(payload);
        if (!parsed.success) throw new SessionError('VALIDATION_FAILED', describe(parsed.error, 'payload'));
        return registry.list();
      }),
    );

    socket.on(
      'session:results',
      command('session:results', (payload) => registry.results(parseId(payload, 'sessionId'))),
    );

    socket.on(
      'session:cleanup',
      command('session:cleanup', (payload) => {
        const parsed = cleanupRequestSchema.safeParse(payload);
        if (!parsed.success) throw new SessionError('VALIDATION_FAILED', describe(parsed.error, 'request'));
        return registry.cleanup(parsed.data);
      }),
    );

    fromEvent(socket, 'disconnect')
      .pipe(take(1))
      .subscribe(() => {
        for (const id of started) {
          if (registry.has(id)) registry.stop(id).catch(() => undefined);
        }
        started.clear();
        watching.clear();
      });
  };

  io.on('connection', onConnection);

  return {
    detach() {
      io.off('connection', onConnection);
      changesSub.unsubscribe();
      for (const sub of forwarders.values()) sub.unsubscribe();
      forwarders.clear();
    },
  };
}
