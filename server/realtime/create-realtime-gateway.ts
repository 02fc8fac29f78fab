import type { Server as HttpServer, IncomingMessage } from 'node:http';
import type { Subscription } from 'rxjs';
import { Server, type Socket } from 'socket.io';
import * as msgpackParser from 'socket.io-msgpack-parser';
import type { z } from 'zod';
import type {
  ClientToServerEvents,
  EvictionNotice,
  Hello,
  Result,
  ServerToClientEvents,
} from '../../client-sdk/src/events.js';
import type { ChannelRegistry, QuantityResolver } from '../channels/types.js';
import { createLogger } from '../log.js';
import {
  type CommandPacketStats,
  attachCommandNormalizer,
  emptyCommandPacketStats,
} from './attach-command-normalizer.js';
import { createSubscribeSchema, describeZodError, noPayloadSchema, subscriptionIdSchema } from './command-schemas.js';
import { type BacklogViewer, createBacklogMonitor } from './create-backlog-monitor.js';
import { createFanOut, type FanOutStats } from './create-fan-out.js';
import { DEFAULT_REALTIME_OPTIONS, PROTOCOL_VERSION, type RealtimeOptions } from './options.js';
import { closeUnjoinedSessions } from './close-unjoined-sessions.js';
import { socketBacklogBytes } from './socket-backlog-bytes.js';
import { splitCommandArgs } from './split-command-args.js';
import { toCatalogEventView, toCatalogView } from './to-catalog-view.js';

export type RealtimeServer = Server<ClientToServerEvents, ServerToClientEvents>;
export type RealtimeSocket = Socket<ClientToServerEvents, ServerToClientEvents>;

export interface RealtimeGatewayConfig {
  httpServer: HttpServer;
  registry: ChannelRegistry;
  quantities?: QuantityResolver;
  source: 'simulated' | 'live';
  serverVersion: string;
  options?: Partial<RealtimeOptions>;
  /** Checks each Engine.IO handshake before anything is allocated for it (the hub's socket guard). */
  allowRequest?: (
    request: IncomingMessage,
    callback: (message: string | null | undefined, ok: boolean) => void,
  ) => void;
  /** Who a socket is, for the per-address stream cap; default: its remote address, never exempt. */
  identify?: (socket: RealtimeSocket) => ViewerIdentity | undefined;
}

export interface ViewerIdentity {
  address: string;
  /** Operator-token holders are exempt from per-address caps. */
  operator: boolean;
}

export interface RealtimeGatewayStats extends FanOutStats, CommandPacketStats {
  /** Socket.IO rooms that belong to streams (one per distinct selection + rate). */
  rooms: number;
  laggingEvents: number;
  recoveredEvents: number;
  disconnectedSlow: number;
  maxBacklogSeen: number;
  invalidCommands: number;
  /** Engine.IO sessions closed for not joining within the connect timeout. */
  unjoinedSessionsClosed: number;
}

export interface RealtimeGateway {
  readonly io: RealtimeServer;
  stats(): RealtimeGatewayStats;
  /** Stops the fan-out, disconnects every viewer and closes Socket.IO (which also closes the HTTP server). */
  close(): Promise<void>;
}

const log = createLogger('realtime');

export function createRealtimeGateway(config: RealtimeGatewayConfig): RealtimeGateway {
  const options: RealtimeOptions = { ...DEFAULT_REALTIME_OPTIONS, ...config.options };
  const { registry, quantities } = config;
  const io: RealtimeServer = new Server(config.httpServer, {
    serveClient: false,
    maxHttpBufferSize: options.maxCommandBytes,
    pingInterval: options.pingIntervalMs,
    pingTimeout: options.pingTimeoutMs,
    // Only a backstop: closeUnjoinedSessions closes at connectTimeoutMs, discarding the transport. Socket.IO's polite
    // close must not come first, or a polling session that never polls again lingers for 30 s.
    connectTimeout: options.connectTimeoutMs + 1000,
    ...(config.allowRequest ? { allowRequest: config.allowRequest } : {}),
    cors: options.corsOrigin === false ? undefined : { origin: options.corsOrigin },
    ...(options.parser === 'msgpack' ? { parser: msgpackParser } : {}),
  });
  const unjoined = closeUnjoinedSessions(io, options.connectTimeoutMs);
  const sockets = new Map<string, RealtimeSocket>();
  const subscribeSchema = createSubscribeSchema(options);
  let invalidCommands = 0;
  const packetStats = emptyCommandPacketStats();

  const fanOut = createFanOut({
    registry,
    quantities,
    options,
    transport: {
      broadcast: (room, event, payload) => {
        io.to(room).emit(event, ...([payload] as Parameters<ServerToClientEvents[typeof event]>));
      },
      send: (viewerId, event, payload) => {
        sockets.get(viewerId)?.emit(event, ...([payload] as Parameters<ServerToClientEvents[typeof event]>));
      },
      join: (viewerId, room) => {
        sockets.get(viewerId)?.join(room);
      },
      leave: (viewerId, room) => {
        sockets.get(viewerId)?.leave(room);
      },
    },
  });

  const backlogViewers = new Map<string, BacklogViewer>();
  const monitor = createBacklogMonitor({ viewers: () => backlogViewers.values(), target: fanOut, options });

  function evict(socket: RealtimeSocket, notice: EvictionNotice): void {
    log.warn({ socket: socket.id, code: notice.code }, notice.message);
    socket.emit('viewer:evicted', notice);
    socket.disconnect(true);
  }

  const subscriptions: Subscription[] = [
    registry.samples$.subscribe({
      next: (batch) => fanOut.dispatch(batch),
      error: (error: unknown) => log.error({ err: error }, 'samples$ failed; realtime fan-out stopped'),
    }),
    registry.events$.subscribe((event) => {
      if (event.type === 'channel:added' || event.type === 'channel:renamed')
        fanOut.reconcileChannel(event.channel, false);
      else if (event.type === 'channel:removed') fanOut.reconcileChannel(event.channel, true);
      io.emit('catalog:event', toCatalogEventView(event, quantities));
    }),
  ];
  if (quantities) {
    subscriptions.push(quantities.changes$.subscribe(() => fanOut.reconcileAll(registry.catalog().channels, true)));
  }

  function invalid<T>(what: string, message: string): Result<T> {
    invalidCommands++;
    return { ok: false, error: { code: 'INVALID_PAYLOAD', message: `${what}: ${message}` } };
  }

  function parse<S extends z.ZodType>(schema: S, payload: unknown, what: string): Result<z.infer<S>> {
    const parsed = schema.safeParse(payload);
    return parsed.success ? { ok: true, data: parsed.data } : invalid(what, describeZodError(parsed.error));
  }

  /** Socket.IO hands us whatever the client sent: the ack is the last argument, if it is a function at all. */
  function commandArgs<T>(args: readonly unknown[]): {
    payloads: unknown[];
    ack: ((result: Result<T>) => void) | null;
  } {
    const split = splitCommandArgs(args);
    if (!split.ack) invalidCommands++;
    return split;
  }

  const hello: Hello = {
    protocol: PROTOCOL_VERSION,
    serverVersion: config.serverVersion,
    source: config.source,
    limits: {
      maxSubscriptions: options.maxSubscriptionsPerSocket,
      maxSelectors: options.maxSelectorsPerSubscription,
      maxBackfillSeconds: options.maxBackfillSeconds,
      maxHz: options.maxHz,
    },
  };

  io.on('connection', (socket) => {
    sockets.set(socket.id, socket);
    const identity = config.identify?.(socket);
    fanOut.addViewer(socket.id, {
      address: identity?.address ?? socket.handshake.address,
      exempt: identity?.operator ?? false,
    });
    backlogViewers.set(socket.id, {
      id: socket.id,
      backlogBytes: () => socketBacklogBytes(socket),
      notify: (notice) => socket.emit('viewer:lagging', notice),
      evict: (notice) => evict(socket, notice),
    });
    socket.emit('hello', hello);
    attachCommandNormalizer(socket, packetStats);

    socket.on('channel:subscribe', (...args: unknown[]) => {
      const { payloads, ack } = commandArgs<unknown>(args);
      if (!ack) return;
      const parsed = parse(subscribeSchema, payloads[0], 'channel:subscribe');
      if (!parsed.ok) return ack(parsed);
      const outcome = fanOut.subscribe(socket.id, parsed.data);
      if (!outcome.ok) return ack(outcome);
      ack({ ok: true, data: outcome.data.result });
      const subscriptionId = outcome.data.result.subscriptionId;
      const frames = outcome.data.backfill;
      frames.forEach((frame, i) => {
        socket.emit('stream:backfill', { subscriptionId, frame, done: i === frames.length - 1 });
      });
    });

    socket.on('channel:unsubscribe', (...args: unknown[]) => {
      const { payloads, ack } = commandArgs<{ subscriptionId: string }>(args);
      if (!ack) return;
      const parsed = parse(subscriptionIdSchema, payloads[0], 'channel:unsubscribe');
      if (!parsed.ok) return ack(parsed);
      const outcome = fanOut.unsubscribe(socket.id, parsed.data);
      ack(outcome.ok ? { ok: true, data: { subscriptionId: parsed.data } } : outcome);
    });

    socket.on('catalog:get', (...args: unknown[]) => {
      const { payloads, ack } = commandArgs<ReturnType<typeof toCatalogView>>(args);
      if (!ack) return;
      const parsed = parse(noPayloadSchema, payloads[0], 'catalog:get');
      if (!parsed.ok) return ack(parsed);
      ack({ ok: true, data: toCatalogView(registry.catalog(), quantities) });
    });

    socket.on('disconnect', () => {
      sockets.delete(socket.id);
      backlogViewers.delete(socket.id);
      fanOut.removeViewer(socket.id);
      monitor.forget(socket.id);
    });
  });

  function streamRooms(): number {
    let rooms = 0;
    for (const room of io.of('/').adapter.rooms.keys()) if (room.startsWith('stream:')) rooms++;
    return rooms;
  }

  return {
    io,
    stats: () => ({
      ...fanOut.stats(),
      ...monitor.stats(),
      rooms: streamRooms(),
      invalidCommands,
      unjoinedSessionsClosed: unjoined.closed(),
      ...packetStats,
    }),
    close: async () => {
      for (const subscription of subscriptions) subscription.unsubscribe();
      monitor.close();
      unjoined.dispose();
      fanOut.close();
      io.disconnectSockets(true);
      await new Promise<void>((resolve) => {
        io.close(() => resolve());
      });
    },
  };
}
