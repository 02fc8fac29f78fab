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
import { type ClusterNode, createClusterNode } from './cluster/index.js';
import type { HubConfig } from './config.js';
import { createDashboardRouter } from './dashboard/index.js';
import {
  closeServer,
  createHttpApp,
  createHttpServer,
  createVirtualTuneRouter,
  type HttpApp,
  listen,
} from './http/index.js';
import type { IngestStatus } from './http/types.js';
import {
  clusterOptionsOf,
  gatewayMetricsOf,
  ingestOptionsOf,
  LOOPBACK,
  realtimeOptionsOf,
  sessionOptionsOf,
  simulatorOptionsOf,
  socketGuardLimitsOf,
} from './hub-options.js';
import { createIngest, type Ingest } from './ingest/index.js';
import { createLogger } from './log.js';
import { createChannelMapping, createMappingStore } from './mapping/index.js';
import { createRealtimeGateway, type RealtimeGateway } from './realtime/index.js';
import { SERVER_VERSION } from './server-version.js';
import { attachSessionSocketHandlers, createSessionRegistry, type SessionRegistry } from './sessions/index.js';
import { createRateLimiter } from './shared/index.js';
import { createSimulatedDyno, type SimulatedDynoController } from './sim/index.js';

const log = createLogger('hub');

export { SERVER_VERSION } from './server-version.js';

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
  /** The cluster node (ingest or edge role), null for a standalone hub. */
  readonly cluster: ClusterNode | null;
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

/** The operator sees providers come and go in the start-up log. */
function logProviderEvents(ingest: Ingest): Subscription {
  return ingest.registry.events$.subscribe((e) => {
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
}

function ingestStatusOf(
  ingest: Ingest,
  config: HubConfig,
  lastDatagramAt: number | null,
  cluster: ClusterNode | null,
): IngestStatus {
  const s = ingest.status();
  return {
    ...(cluster ? { cluster: cluster.view(), clusterCounters: cluster.stats() } : {}),
    source: config.sim ? 'simulated' : 'live',
    // An edge has no socket: it is bound while it reads the ingest node's stream.
    bound: s.port !== null || cluster?.stats().reader?.source.state === 'live',
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
}

type HttpAppDeps = Omit<Parameters<typeof createHttpApp>[0], 'registry' | 'extraRouters' | 'options'> & {
  ingest: Ingest;
  sessions: SessionRegistry;
};

/** The Koa app: the API, the virtual-tune routes and (unless turned off) the dashboard page. */
function httpAppOf(config: HubConfig, overrides: HubOverrides, deps: HttpAppDeps): HttpApp {
  const { ingest, sessions, ...rest } = deps;
  const routers: Router[] = [createVirtualTuneRouter(sessions)];
  if (overrides.dashboard !== false) routers.push(createDashboardRouter({ defaultUnitSystem: config.unitSystem }));
  return createHttpApp({
    ...rest,
    registry: ingest.registry,
    extraRouters: routers,
    options: { unitSystem: config.unitSystem, corsOrigins: config.corsOrigins, bodyLimitBytes: config.httpBodyLimit },
  });
}

/** Wires the modules together (their options come from hub-options.ts; interfaces and TTL are chosen there). */
export function createHub(config: HubConfig, overrides: HubOverrides = {}): Hub {
  const source = config.sim ? 'simulated' : 'live';
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
  const clusterOptions = clusterOptionsOf(config);
  const cluster = clusterOptions ? createClusterNode(clusterOptions) : null;
  const ingest = createIngest({ ...ingestOptionsOf(config, resolver), ...cluster?.ingestOptions() });

  // An edge has no JetDrive network of its own: the ingest node runs the simulator.
  const simulator =
    config.sim && config.role !== 'edge' ? createSimulatedDyno(simulatorOptionsOf(config, overrides.simulator)) : null;

  const sessions = createSessionRegistry(sessionOptionsOf(config));

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
  const providerWatch = logProviderEvents(ingest);

  const ingestStatus = (): IngestStatus => ingestStatusOf(ingest, config, lastDatagramAt, cluster);

  return {
    ingest,
    simulator,
    gateway: () => gateway,
    cluster,
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
      cluster?.start(ingest);
      if (simulator) {
        await simulator.start();
        log.info({ profile: config.simProfile }, 'simulated dyno running on loopback (%s)', config.simProfile);
      }

      const http = httpAppOf(config, overrides, {
        ingest,
        mapping,
        sessions,
        simulator,
        auth: { policy, limiter },
        ingestStatus,
        metrics: {
          socketGuard: () => socketGuard?.stats() ?? null,
          ingest: () => ingest.registry.stats(),
          gateway: () => gatewayMetricsOf(gateway),
          sessions: () => ({ byStatus: sessions.stats().byStatus }),
        },
      });
      server = createHttpServer(http.app);
      const guard = createSocketGuard({ policy, limiter, ...socketGuardLimitsOf(config) });
      socketGuard = guard;
      gateway = createRealtimeGateway({
        httpServer: server,
        registry: ingest.registry,
        quantities: mapping,
        source,
        serverVersion: SERVER_VERSION,
        unitSystem: config.unitSystem,
        allowRequest: guard.allowRequest,
        options: realtimeOptionsOf(config),
        ...(cluster ? { cluster: () => cluster.view(), sourceState$: cluster.sourceState$ } : {}),
      });
      // Before any handler: every connection and command passes the guard first.
      guard.attach(gateway.io);
      // An edge relays session commands to the ingest node, which runs the sessions.
      const handlers = config.role === 'edge' ? null : attachSessionSocketHandlers(gateway.io, sessions);
      const relayed = cluster?.attachIo(gateway.io, { registry: sessions, handlers });
      detachSessions = () => {
        handlers?.detach();
        relayed?.detach();
      };
      const address: AddressInfo = await listen(server, { host: config.host, port: config.port });
      const host = address.address === '0.0.0.0' || address.address === '::' ? LOOPBACK : address.address;
      const url = `http://${host}:${address.port}`;
      cluster?.listening(url);
      log.info({ url, source, role: config.role }, 'jetdrive-hub listening on %s (%s)', url, source);
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
        await cluster?.close();
        log.info('jetdrive-hub stopped');
      })();
      return stopping;
    },
  };
}
