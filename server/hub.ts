import type { AddressInfo } from 'node:net';
import type Router from '@koa/router';
import { Subject, type Subscription } from 'rxjs';
import {
  createAuthPolicy,
  createSocketGuard,
  loadOperatorToken,
  type OperatorToken,
  type SocketGuard,
} from './auth/index.js';
import type { QuantityResolver } from './channels/types.js';
import { type HubConfig, operatorReservedConnections } from './config.js';
import { createDashboardRouter } from './dashboard/index.js';
import { closeServer, createHttpApp, createHttpServer, createVirtualTuneRouter, listen } from './http/index.js';
import type { IngestStatus } from './http/types.js';
import { createIngest, type Ingest } from './ingest/index.js';
import { DEFAULT_PONG_LIMITER_OPTIONS } from './jetdrive/create-pong-limiter.js';
import { createLogger } from './log.js';
import { createChannelMapping, createMappingStore } from './mapping/index.js';
import { createRealtimeGateway, type RealtimeGateway } from './realtime/index.js';
import { attachSessionSocketHandlers, createSessionRegistry } from './sessions/index.js';
import { SERVER_VERSION } from './server-version.js';
import { createRateLimiter } from './shared/index.js';
import { createSimulatedDyno, type SimulatedDynoController } from './sim/index.js';
import { defaultInterfaces } from './transport/index.js';

const log = createLogger('hub');

export { SERVER_VERSION } from './server-version.js';
const LOOPBACK = '127.0.0.1';

export interface HubStarted {
  url: string;
  port: number;
  jetdrivePort: number;
  /** Where the operator token came from (the token itself is in `operatorToken.token`). */
  operatorToken: OperatorToken;
}

export interface Hub {
  start(): Promise<HubStarted>;
  /** Idempotent: simulator first (ClearChannelInfo goes out), then viewers, sessions, HTTP and the UDP sockets. */
  stop(): Promise<void>;
  readonly ingest: Ingest;
  readonly simulator: SimulatedDynoController | null;
  gateway(): RealtimeGateway | null;
}

export interface HubOverrides {
  /** Mount the dashboard page at `/` (default true). */
  dashboard?: boolean;
  /** Extra simulator options (tests: faster info interval, a seed). */
  simulator?: Partial<Parameters<typeof createSimulatedDyno>[0]>;
}

/** The token is printed once, when it is generated; later starts only say where it is. */
function announceOperatorToken(t: OperatorToken): void {
  if (t.source === 'env') {
    log.info('operator token: from HUB_OPERATOR_TOKEN');
  } else if (t.source === 'generated') {
    if (t.replacedEmpty) {
      log.warn({ file: t.file }, '%s was empty (an interrupted write at an earlier start): replaced it', t.file);
    }
    log.warn(
      { file: t.file },
      'operator token (shown this once): %s — stored in %s (mode 0600); later starts reuse it and do not print it again',
      t.token,
      t.file,
    );
  } else {
    log.info({ file: t.file }, 'operator token: using the one stored in %s (not printed)', t.file);
    if (t.permissionsFixed) log.warn({ file: t.file }, '%s was readable by other users; restricted it to 0600', t.file);
  }
}

function socketGuardLimits(config: HubConfig) {
  return {
    maxConnections: config.maxViewers,
    operatorReservedConnections: operatorReservedConnections(config),
    maxConnectionsPerAddress: config.maxConnectionsPerAddress,
    maxPendingHandshakes: config.maxPendingHandshakes,
    maxPendingHandshakesPerAddress: config.maxPendingHandshakesPerAddress,
    unknownEventsPerMin: config.unknownEventsPerMin,
  };
}

/**
 * Wires the modules together. Interfaces: the configured ones, or loopback only in simulated mode — in live mode every
 * up, multicast-capable IPv4 interface plus loopback. Outgoing TTL is 0 while we stay on loopback, 1 otherwise
 * (JetDrive never needs to cross a router).
 */
export function createHub(config: HubConfig, overrides: HubOverrides = {}): Hub {
  const source = config.sim ? 'simulated' : 'live';
  const interfaces = config.interfaces ?? (config.sim ? [LOOPBACK] : defaultInterfaces());
  const loopbackOnly = interfaces.every((i) => i === LOOPBACK);
  let mapping: Awaited<ReturnType<typeof createChannelMapping>> | null = null;
  let lastDatagramAt: number | null = null;
  let mappingChanges: Subscription | null = null;

  // The mapping loads its overrides asynchronously in start(); until then the ingest asks this delegate, which
  // knows nothing (every channel unmapped) and re-announces once the real mapping is attached.
  const resolverChanges$ = new Subject<void>();
  const resolver: QuantityResolver = {
    quantityOf: (channel) => mapping?.quantityOf(channel) ?? null,
    changes$: resolverChanges$,
  };
  const ingest = createIngest({
    resolver,
    multicast: {
      groups: config.groups,
      port: config.jetdrivePort,
      interfaces,
      ttl: loopbackOnly ? 0 : 1,
      loopback: true,
      recvBufferSize: config.jetdriveRecvBufferBytes,
    },
    registry: {
      historyMs: config.channelHistoryMs,
      historyMax: config.channelHistoryMax,
      staleWindowMs: config.jetdriveStaleWindowMs,
      maxProviders: config.maxProviders,
      maxChannels: config.maxChannels,
      maxChannelsPerProvider: config.maxChannelsPerProvider,
      staleResetMs: config.jetdriveStaleResetMs,
    },
    passive: config.passive,
    node: {
      offlineAfterMs: config.providerTimeoutMs,
      pingIntervalMs: config.clockSyncIntervalMs,
      sourcePolicy: config.jetdriveSourcePolicy,
      maxEvictionsPerS: config.jetdriveMaxEvictionsPerS,
      hostIdChangeMinIntervalMs: config.jetdriveHostIdChangeMinIntervalMs,
      pong: {
        ...DEFAULT_PONG_LIMITER_OPTIONS,
        perHostPerS: config.jetdrivePongRatePerHost,
        totalPerS: config.jetdrivePongRateTotal,
        maxEchoBytes: config.jetdrivePongMaxEchoBytes,
      },
      maxProviders: config.maxProviders,
    },
  });

  const simulator = config.sim
    ? createSimulatedDyno({
        group: config.groups[0],
        port: config.jetdrivePort,
        iface: LOOPBACK,
        rateHz: config.simRateHz,
        profile: config.simProfile,
        autoPull: config.simAutoPull,
        autoPullIntervalS: config.simAutoPullIntervalS,
        ...overrides.simulator,
      })
    : null;

  const sessions = createSessionRegistry({
    maxAgeMin: config.sessionMaxAgeMin,
    maxCount: config.sessionMaxCount,
    sweepIntervalS: config.sessionSweepIntervalS,
    maxRunning: config.sessionMaxRunning,
  });

  let gateway: RealtimeGateway | null = null;
  let socketGuard: SocketGuard | null = null;
  // One budget per identity (the operator's, or an address's anonymous one), shared by HTTP and Socket.IO control.
  const limiter = createRateLimiter({ ratePerMin: config.controlRatePerMin, burst: config.controlBurst });
  let detachSessions: (() => void) | null = null;
  let server: ReturnType<typeof createHttpServer> | null = null;
  let stopping: Promise<void> | null = null;
  const datagramWatch = ingest.registry.samples$.subscribe((batch) => {
    lastDatagramAt = batch.receivedAt;
  });
  // The operator sees providers come and go in the start-up log.
  const providerWatch = ingest.registry.events$.subscribe((e) => {
    if (e.type === 'provider:online' || e.type === 'provider:offline' || e.type === 'provider:incompatible') {
      const p = e.provider;
      log.info(
        { host: p.hostHex, provider: p.name, address: p.address },
        '%s %s "%s" from %s',
        e.type,
        p.hostHex,
        p.name,
        p.address,
      );
    }
  });

  const ingestStatus = (): IngestStatus => {
    const s = ingest.status();
    return {
      source,
      bound: s.port !== null,
      hostId: s.node.hostId,
      passive: s.node.passive,
      port: s.port,
      groups: config.groups,
      joins: s.joins,
      lastDatagramAt,
      sourcePolicy: s.node.sourcePolicy,
      hostIdChanges: s.node.collisions,
      pongsAnswered: s.node.pongs.answered,
    };
  };

  return {
    ingest,
    simulator,
    gateway: () => gateway,
    async start() {
      const operatorToken = await loadOperatorToken({ dataDir: config.dataDir, envToken: config.operatorToken });
      announceOperatorToken(operatorToken);
      const policy = createAuthPolicy({ operatorToken: operatorToken.token, viewerToken: config.viewerToken });
      const store = await createMappingStore({ dataDir: config.dataDir });
      // One cached suggestion per channel the registry may hold, so the cache never evicts a live channel's guess.
      mapping = createChannelMapping({
        store,
        registry: ingest.registry,
        options: { maxCachedChannels: config.maxChannels },
      });
      mappingChanges = mapping.changes$.subscribe(resolverChanges$);
      resolverChanges$.next();

      await ingest.start();
      if (simulator) {
        await simulator.start();
        log.info({ profile: config.simProfile }, 'simulated dyno running on loopback (%s)', config.simProfile);
      }

      const routers: Router[] = [createVirtualTuneRouter(sessions)];
      if (overrides.dashboard !== false) routers.push(createDashboardRouter({ defaultUnitSystem: config.unitSystem }));
      const http = createHttpApp({
        registry: ingest.registry,
        mapping,
        auth: { policy, limiter },
        ingestStatus,
        simulator,
        metrics: {
          socketGuard: () => socketGuard?.stats() ?? null,
          ingest: () => ingest.registry.stats(),
          gateway: () => {
            const g = gateway?.stats();
            return {
              viewers: g?.viewers ?? 0,
              subscriptions: g?.subscriptions ?? 0,
              conflatedFrames: g?.conflatedFrames ?? 0,
              droppedFrames: g?.droppedFrames ?? 0,
              laggingViewers: g?.laggingViewers ?? 0,
              disconnectedSlow: g?.disconnectedSlow ?? 0,
              refusedSubscriptions: g?.refusedSubscriptions ?? {},
              unjoinedSessionsClosed: g?.unjoinedSessionsClosed ?? 0,
              refusedPackets: {
                UNKNOWN_EVENT: g?.unknownEvents ?? 0,
                ACK_REQUIRED: g?.missingAcks ?? 0,
                INVALID_PAYLOAD: g?.extraArguments ?? 0,
              },
            };
          },
          sessions: () => ({ byStatus: sessions.stats().byStatus }),
        },
        extraRouters: routers,
        options: {
          unitSystem: config.unitSystem,
          corsOrigins: config.corsOrigins,
          bodyLimitBytes: config.httpBodyLimit,
        },
      });
      server = createHttpServer(http.app);
      const guard = createSocketGuard({ policy, limiter, ...socketGuardLimits(config) });
      socketGuard = guard;
      gateway = createRealtimeGateway({
        httpServer: server,
        registry: ingest.registry,
        quantities: mapping,
        source,
        serverVersion: SERVER_VERSION,
        unitSystem: config.unitSystem,
        allowRequest: guard.allowRequest,
        options: {
          connectTimeoutMs: config.connectTimeoutMs,
          maxStreams: config.realtimeMaxStreams,
          maxStreamsPerSocket: config.realtimeMaxStreamsPerSocket,
          maxStreamsPerAddress: config.realtimeMaxStreamsPerAddress,
          flushIntervalMs: config.realtimeFlushMs,
          backlogLimitBytes: config.realtimeBacklogLimitBytes,
          maxBacklogBytes: config.realtimeMaxBacklogBytes,
          stuckAfterMs: config.realtimeStuckAfterMs,
          corsOrigin:
            config.corsOrigins.length === 0 ? false : config.corsOrigins.includes('*') ? true : [...config.corsOrigins],
        },
      });
      // Before any handler: every connection and command passes the guard first.
      guard.attach(gateway.io);
      detachSessions = attachSessionSocketHandlers(gateway.io, sessions).detach;
      const address: AddressInfo = await listen(server, { host: config.host, port: config.port });
      const host = address.address === '0.0.0.0' || address.address === '::' ? LOOPBACK : address.address;
      const url = `http://${host}:${address.port}`;
      log.info({ url, source }, 'jetdrive-hub listening on %s (%s)', url, source);
      return { url, port: address.port, jetdrivePort: ingest.port() ?? config.jetdrivePort, operatorToken };
    },
    stop() {
      stopping ??= (async () => {
        await simulator?.stop().catch((err: unknown) => log.warn({ err }, 'simulator stop failed'));
        sessions.dispose();
        detachSessions?.();
        if (gateway) await gateway.close();
        else if (server) await closeServer(server);
        datagramWatch.unsubscribe();
        providerWatch.unsubscribe();
        mappingChanges?.unsubscribe();
        await ingest.stop();
        log.info('jetdrive-hub stopped');
      })();
      return stopping;
    },
  };
}
