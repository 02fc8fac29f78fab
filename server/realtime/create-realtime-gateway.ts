import type { Server as HttpServer, IncomingMessage } from 'node:http';
import {
  type ClusterView,
  createSubscribeSchema,
  type EvictionNotice,
  type Hello,
  noPayloadSchema,
  PROTOCOL_VERSION,
  type ServerToClientEvents,
  type SourceState,
  subscriptionIdSchema,
  type UnitSystem,
} from '@jetdrive-hub/client/contract';
import type { Observable, Subscription } from 'rxjs';
import { Server } from 'socket.io';
import * as msgpackParser from 'socket.io-msgpack-parser';
import type { HubServer, HubSocket } from '../auth/socket-data.js';
import type { ChannelRegistry, QuantityResolver } from '../channels/types.js';
import { createLogger } from '../log.js';
import { CLOSE_GRACE_MS } from '../shared/index.js';
import {
  attachCommandNormalizer,
  type CommandPacketStats,
  emptyCommandPacketStats,
} from './attach-command-normalizer.js';
import { closeUnjoinedSessions } from './close-unjoined-sessions.js';
import { type BacklogViewer, createBacklogMonitor } from './create-backlog-monitor.js';
import { createFanOut, type FanOut, type FanOutStats, type FanOutTransport } from './create-fan-out.js';
import { CommandError, type CommandOptions, dataOf, onCommand } from './on-command.js';
import { DEFAULT_REALTIME_OPTIONS, type RealtimeOptions } from './options.js';
import { socketBacklogBytes } from './socket-backlog-bytes.js';
import { toCatalogEventView, toCatalogView } from './to-catalog-view.js';

export type RealtimeServer = HubServer;
export type RealtimeSocket = HubSocket;

export interface RealtimeGatewayConfig {
  httpServer: HttpServer;
  registry: ChannelRegistry;
  quantities?: QuantityResolver;
  /** A function where it can change (a cluster edge says what the ingest node's heartbeat says). */
  source: 'simulated' | 'live' | 'replay' | (() => 'simulated' | 'live' | 'replay');
  serverVersion: string;
  /** The hub's display units, said in hello so SDK clients and the CLI show what the dashboard shows. */
  unitSystem?: UnitSystem;
  options?: Partial<RealtimeOptions>;
  /** Checks each Engine.IO handshake before anything is allocated for it (the hub's socket guard). */
  allowRequest?: (
    request: IncomingMessage,
    callback: (message: string | null | undefined, ok: boolean) => void,
  ) => void;
  /** The hub's role and the cluster's nodes, said in hello (cluster mode). */
  cluster?: () => ClusterView;
  /** The data source's state (a cluster edge's): said in hello and as `source:state` on every change. */
  sourceState$?: Observable<SourceState>;
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

/**
 * Closes Socket.IO and its HTTP server. As closeServer: requests still in flight get a grace period, then their
 * connections are cut, so one that never ends cannot keep a stopping hub alive.
 */
async function closeIo(io: RealtimeServer, httpServer: HttpServer): Promise<void> {
  const cut = setTimeout(() => httpServer.closeAllConnections(), CLOSE_GRACE_MS);
  cut.unref();
  await new Promise<void>((resolve) => {
    io.close(() => resolve());
  });
  clearTimeout(cut);
}

function createServer(config: RealtimeGatewayConfig, options: RealtimeOptions): RealtimeServer {
  return new Server(config.httpServer, {
    serveClient: false,
    maxHttpBufferSize: options.maxCommandBytes,
    pingInterval: options.pingIntervalMs,
    pingTimeout: options.pingTimeoutMs,
    // Only a backstop: closeUnjoinedSessions closes at connectTimeoutMs, discarding the transport. Socket.IO's polite
    // close must not come first, or a polling session that never polls again lingers for 30 s.
    connectTimeout: options.connectTimeoutMs + 1000,
    transports: options.transports,
    ...(config.allowRequest ? { allowRequest: config.allowRequest } : {}),
    cors: options.corsOrigin === false ? undefined : { origin: options.corsOrigin },
    ...(options.parser === 'msgpack' ? { parser: msgpackParser } : {}),
  });
}

function helloOf(config: RealtimeGatewayConfig, options: RealtimeOptions): Hello {
  return {
    protocol: PROTOCOL_VERSION,
    serverVersion: config.serverVersion,
    source: typeof config.source === 'function' ? config.source() : config.source,
    ...(config.unitSystem ? { units: config.unitSystem } : {}),
    limits: {
      maxSubscriptions: options.maxSubscriptionsPerSocket,
      maxSelectors: options.maxSelectorsPerSubscription,
      maxBackfillSeconds: options.maxBackfillSeconds,
      maxHz: options.maxHz,
    },
    ...(config.cluster ? { cluster: config.cluster() } : {}),
  };
}

/**
 * The fan-out's way out: Socket.IO rooms for streams, the socket itself for one viewer. Stream rooms are this
 * node's own (`io.local`): in a cluster every node builds the same frames from the same data, so a broadcast through
 * the Redis adapter would reach other nodes' viewers twice.
 */
function fanOutTransport(io: RealtimeServer, sockets: ReadonlyMap<string, RealtimeSocket>): FanOutTransport {
  return {
    broadcast: (room, event, payload) => {
      io.local.to(room).emit(event, ...([payload] as Parameters<ServerToClientEvents[typeof event]>));
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
  };
}

/** Registry samples into the fan-out, catalog changes to every viewer and to the streams they affect. */
function followRegistry(io: RealtimeServer, fanOut: FanOut, config: RealtimeGatewayConfig): Subscription[] {
  const { registry, quantities } = config;
  const subscriptions: Subscription[] = [
    registry.samples$.subscribe({
      next: (batch) => fanOut.dispatch(batch),
      error: (error: unknown) => log.error({ err: error }, 'samples$ failed; realtime fan-out stopped'),
    }),
    registry.events$.subscribe((event) => {
      if (event.type === 'channel:added' || event.type === 'channel:renamed')
        fanOut.reconcileChannel(event.channel, false);
      else if (event.type === 'channel:removed') fanOut.reconcileChannel(event.channel, true);
      // Every node has its own registry and tells its own viewers.
      io.local.emit('catalog:event', toCatalogEventView(event, quantities));
    }),
  ];
  if (quantities) {
    subscriptions.push(quantities.changes$.subscribe(() => fanOut.reconcileAll(registry.catalog().channels, true)));
  }
  return subscriptions;
}

/** The gateway's own commands: channel:subscribe, channel:unsubscribe, catalog:get. */
function registerChannelCommands(
  socket: RealtimeSocket,
  fanOut: FanOut,
  config: RealtimeGatewayConfig,
  subscribeSchema: ReturnType<typeof createSubscribeSchema>,
  commandOptions: CommandOptions,
): void {
  onCommand(
    socket,
    'channel:subscribe',
    subscribeSchema,
    (request, { afterAck }) => {
      const { result, backfill } = dataOf(fanOut.subscribe(socket.id, request));
      afterAck(() => {
        backfill.forEach((frame, i) => {
          socket.emit('stream:backfill', {
            subscriptionId: result.subscriptionId,
            frame,
            done: i === backfill.length - 1,
          });
        });
      });
      return result;
    },
    commandOptions,
  );
  onCommand(
    socket,
    'channel:unsubscribe',
    subscriptionIdSchema,
    (subscriptionId) => {
      const outcome = fanOut.unsubscribe(socket.id, subscriptionId);
      if (!outcome.ok) throw new CommandError(outcome.error);
      return { subscriptionId };
    },
    commandOptions,
  );
  onCommand(
    socket,
    'catalog:get',
    noPayloadSchema,
    () => toCatalogView(config.registry.catalog(), config.quantities),
    commandOptions,
  );
}

function evict(socket: RealtimeSocket, notice: EvictionNotice): void {
  log.warn({ socket: socket.id, code: notice.code }, notice.message);
  socket.emit('viewer:evicted', notice);
  socket.disconnect(true);
}

function streamRooms(io: RealtimeServer): number {
  let rooms = 0;
  for (const room of io.of('/').adapter.rooms.keys()) if (room.startsWith('stream:')) rooms++;
  return rooms;
}

export function createRealtimeGateway(config: RealtimeGatewayConfig): RealtimeGateway {
  const options: RealtimeOptions = { ...DEFAULT_REALTIME_OPTIONS, ...config.options };
  const io = createServer(config, options);
  const unjoined = closeUnjoinedSessions(io, options.connectTimeoutMs);
  const sockets = new Map<string, RealtimeSocket>();
  const subscribeSchema = createSubscribeSchema(options);
  const counters = { invalidCommands: 0 };
  const commandOptions: CommandOptions = { onInvalid: () => counters.invalidCommands++ };
  const packetStats = emptyCommandPacketStats();
  const fanOut = createFanOut({
    registry: config.registry,
    quantities: config.quantities,
    options,
    transport: fanOutTransport(io, sockets),
  });
  const backlogViewers = new Map<string, BacklogViewer>();
  const monitor = createBacklogMonitor({ viewers: () => backlogViewers.values(), target: fanOut, options });
  const subscriptions = followRegistry(io, fanOut, config);
  let sourceState: SourceState | null = null;
  if (config.sourceState$) {
    subscriptions.push(
      config.sourceState$.subscribe((state) => {
        sourceState = state;
        io.local.emit('source:state', state);
      }),
    );
  }

  io.on('connection', (socket) => {
    sockets.set(socket.id, socket);
    // socket.data is filled by the socket guard when one is attached; without it, the handshake address, not exempt.
    fanOut.addViewer(socket.id, {
      address: socket.data?.address ?? socket.handshake.address,
      exempt: socket.data?.operator ?? false,
    });
    backlogViewers.set(socket.id, {
      id: socket.id,
      backlogBytes: () => socketBacklogBytes(socket),
      notify: (notice) => socket.emit('viewer:lagging', notice),
      evict: (notice) => evict(socket, notice),
    });
    // Built per connection: the cluster's nodes and the source state change over time.
    socket.emit('hello', { ...helloOf(config, options), ...(sourceState ? { sourceState } : {}) });
    attachCommandNormalizer(socket, packetStats);
    registerChannelCommands(socket, fanOut, config, subscribeSchema, commandOptions);
    socket.on('disconnect', () => {
      sockets.delete(socket.id);
      backlogViewers.delete(socket.id);
      fanOut.removeViewer(socket.id);
      monitor.forget(socket.id);
    });
  });

  return {
    io,
    stats: () => ({
      ...fanOut.stats(),
      ...monitor.stats(),
      rooms: streamRooms(io),
      invalidCommands: counters.invalidCommands,
      unjoinedSessionsClosed: unjoined.closed(),
      ...packetStats,
    }),
    close: async () => {
      for (const subscription of subscriptions) subscription.unsubscribe();
      monitor.close();
      unjoined.dispose();
      fanOut.close();
      // This node's viewers only: through a cluster adapter, a plain disconnectSockets reaches every node's.
      io.local.disconnectSockets(true);
      await closeIo(io, config.httpServer);
    },
  };
}
