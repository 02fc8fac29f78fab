import type { AddressInfo } from 'node:net';
import { basename, join } from 'node:path';
import type Router from '@koa/router';
import type { Middleware } from 'koa';
import { Subject, type Subscription } from 'rxjs';
import { type AnalysisRegistry, attachAnalysisSocketHandlers, createAnalysisRegistry } from './analysis/index.js';
import {
  type AuthPolicy,
  createAuthPolicy,
  createSocketGuard,
  loadOperatorToken,
  type OperatorToken,
  type SocketGuard,
} from './auth/index.js';
import type { QuantityResolver } from './channels/types.js';
import { type ClusterNode, createClusterNode, type RouteMatcher } from './cluster/index.js';
import { CodedError } from './errors/coded-error.js';
import type { HubConfig } from './config.js';
import { createDashboardRouter } from './dashboard/index.js';
import {
  closeServer,
  createAnalysisRouter,
  createHttpApp,
  createRelayedRequestDispatcher,
  createHttpServer,
  createReplayRouter,
  createRunAnalysisRouter,
  createRunsRouter,
  createVirtualTuneRouter,
  type HttpApp,
  isRunFileRequest,
  listen,
  RunAnalysisCache,
} from './http/index.js';
import type { IngestStatus } from './http/types.js';
import {
  clusterOptionsOf,
  gatewayMetricsOf,
  ingestOptionsOf,
  LOOPBACK,
  realtimeOptionsOf,
  replayOptionsOf,
  runOptionsOf,
  sessionOptionsOf,
  simulatorOptionsOf,
  socketGuardLimitsOf,
  sourceOf,
} from './hub-options.js';
import { createIngest, type Ingest, warnWhenNoProvider } from './ingest/index.js';
import { createLogger } from './log.js';
import { createChannelMapping, createMappingStore } from './mapping/index.js';
import { preflight } from './preflight.js';
import { createRealtimeGateway, type RealtimeGateway } from './realtime/index.js';
import { attachReplaySocketHandlers, createReplayManager, type ReplayManager } from './replay/index.js';
import { attachRunEvents, NODE_RUN_FILE_SYSTEM, RunCapture, type RunFileSystem, RunLibrary } from './runs/index.js';
import { SERVER_VERSION } from './server-version.js';
import { attachSessionSocketHandlers, createSessionRegistry, type SessionRegistry } from './sessions/index.js';
import { createRateLimiter } from './shared/index.js';
import {
  createSimulatedDyno,
  createSimulatorOrigin,
  type SimulatedDyno,
  type SimulatedDynoController,
  type SimulatorOriginTracker,
} from './sim/index.js';

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
  readonly replays: ReplayManager;
  gateway(): RealtimeGateway | null;
  /** The cluster node (ingest or edge role), null for a standalone hub. */
  readonly cluster: ClusterNode | null;
  /** The HTTP app once started (its routes() lists every route: the API-shape test walks them). */
  http(): HttpApp | null;
  /** Run capture and the run library (issue 16). */
  readonly runs: HubRuns;
}

export interface HubRuns {
  capture: RunCapture;
  library: RunLibrary;
  fs: RunFileSystem;
  /** Run analysis (issue 17): decoded series and curves, shared by every viewer. */
  analysis: RunAnalysisCache;
}

export interface HubOverrides {
  /** Mount the dashboard page at `/` (default true). */
  dashboard?: boolean;
  /** Extra simulator options (tests: faster info interval, a seed). */
  simulator?: Partial<Parameters<typeof createSimulatedDyno>[0]>;
  /** The run files' file system (tests inject write errors). */
  runFileSystem?: RunFileSystem;
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
    // An edge's is the ingest node's, from its heartbeat.
    source: cluster?.source() ?? sourceOf(config),
    // A recording (--replay) opens no socket: it is ready once started; an edge, while it reads the ingest node's stream.
    bound: s.port !== null || config.replayFile !== null || cluster?.stats().reader?.source.state === 'live',
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
  runs: HubRuns;
  replays: ReplayManager;
  analyses: AnalysisRegistry;
};

/** The routes of what runs on a cluster's ingest node: an edge relays their requests there (server/cluster/). */
interface IngestOnlyRouters {
  virtualTune: Router;
  replay: Router;
  analysis: Router;
  /** The run library and run analysis: runs are recorded on the ingest node only. */
  runAnalysis: Router;
  runs: Router;
}

function ingestOnlyRoutersOf(
  config: HubConfig,
  deps: Pick<HttpAppDeps, 'sessions' | 'replays' | 'analyses' | 'runs'>,
): IngestOnlyRouters {
  const { runs } = deps;
  return {
    virtualTune: createVirtualTuneRouter(deps.sessions),
    replay: createReplayRouter(deps.replays),
    analysis: createAnalysisRouter(deps.analyses),
    runAnalysis: createRunAnalysisRouter({
      library: runs.library,
      fs: runs.fs,
      cache: runs.analysis,
      compression: config.runCompression,
      unitSystem: config.unitSystem,
    }),
    runs: createRunsRouter({ ...runs, compression: config.runCompression, uploadMaxBytes: config.runUploadMaxBytes }),
  };
}

/** In the order the app serves them (the run analysis router first: the library's `/:id` would take `/compare`). */
const relayedRoutersOf = (r: IngestOnlyRouters): Router[] => [
  r.virtualTune,
  r.runAnalysis,
  r.runs,
  r.replay,
  r.analysis,
];

/**
 * What an edge relays: every ingest-only route but the run files' bytes (download, upload, CSV import), which the
 * relay does not carry; an edge refuses those, naming the ingest node (see edgeRoutes).
 */
function edgeRelayMatchers(r: IngestOnlyRouters): RouteMatcher[] {
  const routers = relayedRoutersOf(r);
  return [
    {
      match: (path, method) => ({
        route: !isRunFileRequest(path, method) && routers.some((x) => x.match(path, method).route),
      }),
    },
  ];
}

/** The Koa app: the API, the virtual-tune and replay routes and (unless turned off) the dashboard page. */
function httpAppOf(
  config: HubConfig,
  overrides: HubOverrides,
  deps: HttpAppDeps & { ingestOnly: IngestOnlyRouters; cluster: ClusterNode | null },
): HttpApp {
  const { ingest, sessions, runs, replays, analyses, ingestOnly, cluster, ...rest } = deps;
  const routers: Router[] = relayedRoutersOf(ingestOnly);
  if (overrides.dashboard !== false) routers.push(createDashboardRouter({ defaultUnitSystem: config.unitSystem }));
  const edge = cluster?.role === 'edge' ? cluster : null;
  return createHttpApp({
    ...rest,
    registry: ingest.registry,
    extraRouters: routers,
    ...(edge ? { beforeRoutes: edgeRoutes(edge.httpRelay(edgeRelayMatchers(ingestOnly))) } : {}),
    options: { unitSystem: config.unitSystem, corsOrigins: config.corsOrigins, bodyLimitBytes: config.httpBodyLimit },
  });
}

/** An edge's ingest-only routes: relayed, except a run file's bytes (download, upload, import), refused by name. */
function edgeRoutes(relay: Middleware): Middleware {
  return async (ctx, next) => {
    if (!isRunFileRequest(ctx.path, ctx.method)) return relay(ctx, next);
    throw new CodedError(
      'INGEST_NODE_ONLY',
      409,
      `${ctx.method} ${ctx.path}: run files are kept on the cluster's ingest node; send this request to it (its URL is in GET /api/jetdrive/status, cluster.nodes)`,
    );
  };
}

type ChannelMapping = Awaited<ReturnType<typeof createChannelMapping>>;

/**
 * The mapping loads its overrides asynchronously in start(); until then the ingest asks this delegate, which knows
 * nothing (every channel unmapped) and re-announces once the real mapping is attached.
 */
function createLateResolver() {
  let mapping: ChannelMapping | null = null;
  let changes: Subscription | null = null;
  const changes$ = new Subject<void>();
  const resolver: QuantityResolver = { quantityOf: (channel) => mapping?.quantityOf(channel) ?? null, changes$ };
  return {
    resolver,
    attach(next: ChannelMapping): void {
      mapping = next;
      changes = next.changes$.subscribe(changes$);
      changes$.next();
    },
    detach: () => changes?.unsubscribe(),
  };
}

/** What the hub keeps while it runs: the parts created in start(), and what stop() must undo. */
interface Running {
  gateway: RealtimeGateway | null;
  http: HttpApp | null;
  socketGuard: SocketGuard | null;
  server: ReturnType<typeof createHttpServer> | null;
  detachSessions: (() => void) | null;
  detachRuns: (() => void) | null;
  detachReplays: (() => void) | null;
  detachAnalyses: (() => void) | null;
  cancelNoProviderWarning: (() => void) | null;
}

interface ServeDeps {
  config: HubConfig;
  overrides: HubOverrides;
  ingest: Ingest;
  sessions: SessionRegistry;
  replays: ReplayManager;
  analyses: AnalysisRegistry;
  simulator: SimulatedDynoController | null;
  mapping: ChannelMapping;
  policy: AuthPolicy;
  limiter: ReturnType<typeof createRateLimiter>;
  ingestStatus: () => IngestStatus;
  simulatorOrigin: SimulatorOriginTracker;
  runs: HubRuns;
  cluster: ClusterNode | null;
}

/** HTTP and Socket.IO on one port, every connection and command behind the guard; resolves once listening. */
async function serve(d: ServeDeps, running: Running): Promise<AddressInfo> {
  const { config, ingest, sessions } = d;
  const ingestOnly = ingestOnlyRoutersOf(config, { sessions, replays: d.replays, analyses: d.analyses, runs: d.runs });
  const http = httpAppOf(config, d.overrides, {
    ingestOnly,
    cluster: d.cluster,
    ingest,
    mapping: d.mapping,
    sessions,
    runs: d.runs,
    replays: d.replays,
    analyses: d.analyses,
    simulator: d.simulator,
    simulatorOrigin: d.simulatorOrigin.originOf,
    auth: { policy: d.policy, limiter: d.limiter },
    ingestStatus: d.ingestStatus,
    metrics: {
      socketGuard: () => running.socketGuard?.stats() ?? null,
      ingest: () => ingest.registry.stats(),
      gateway: () => gatewayMetricsOf(running.gateway),
      sessions: () => ({ byStatus: sessions.stats().byStatus }),
      runs: () => runsStatsOf(d.runs),
      analyses: () => d.analyses.stats(),
    },
  });
  running.http = http;
  const server = createHttpServer(http.app);
  running.server = server;
  const guard = createSocketGuard({ policy: d.policy, limiter: d.limiter, ...socketGuardLimitsOf(config) });
  running.socketGuard = guard;
  const gateway = createRealtimeGateway({
    httpServer: server,
    registry: ingest.registry,
    quantities: d.mapping,
    source: d.cluster ? d.cluster.source : sourceOf(config),
    serverVersion: SERVER_VERSION,
    unitSystem: config.unitSystem,
    allowRequest: guard.allowRequest,
    options: realtimeOptionsOf(config),
    ...(d.cluster ? { cluster: d.cluster.view, sourceState$: d.cluster.sourceState$ } : {}),
  });
  running.gateway = gateway;
  // Before any handler: every connection and command passes the guard first.
  guard.attach(gateway.io);
  attachFeatures(d, running, gateway, ingestOnly);
  return listen(server, { host: config.host, port: config.port });
}

/**
 * Sessions, replays and analyses on the gateway. An edge runs none of them: it relays their socket commands (and
 * HTTP routes) to the ingest node, which carries them out and whose events reach every node through the adapter.
 */
function attachFeatures(d: ServeDeps, running: Running, gateway: RealtimeGateway, ingestOnly: IngestOnlyRouters): void {
  const { config, sessions, replays, analyses } = d;
  const io = gateway.io;
  const edge = config.role === 'edge';
  const handlers = edge ? null : attachSessionSocketHandlers(io, sessions);
  const replayHandlers = edge ? null : attachReplaySocketHandlers(io, replays);
  const analysisHandlers = edge
    ? null
    : attachAnalysisSocketHandlers(io, analyses, { pushIntervalMs: config.analysisPushIntervalMs });
  const relayed = d.cluster?.attachIo(io, {
    sessions: { registry: sessions, handlers },
    replays,
    analyses: { registry: analyses, handlers: analysisHandlers },
    runs: d.runs,
    http:
      config.role === 'ingest'
        ? createRelayedRequestDispatcher(relayedRoutersOf(ingestOnly), config.httpBodyLimit)
        : null,
  });
  running.detachSessions = () => {
    handlers?.detach();
    relayed?.detach();
  };
  // An edge records nothing (it would record every pull again, and its viewers would hear each run twice): the
  // ingest node's run events reach them through the adapter, and their run commands are relayed there.
  running.detachRuns = edge ? () => undefined : attachRunEvents(io, d.runs.capture, d.runs.library);
  running.detachReplays = () => replayHandlers?.detach();
  running.detachAnalyses = () => analysisHandlers?.detach();
}

/** `--replay <file>`: the recording plays at 1x, looping, in place of the simulator (no UDP socket is open). */
async function startReplayMode(replays: ReplayManager, file: string): Promise<void> {
  const status = await replays.startFile(file, { rate: 1, loop: true }, basename(file, '.mcap'));
  log.info(
    { file, replay: status.id, durationMs: status.durationMs },
    'replaying %s (%d ms, looping) instead of the simulator: no JetDrive socket is open',
    file,
    Math.round(status.durationMs),
  );
}

/**
 * Starts the JetDrive side: the ingest, then the simulator or the recording (--replay); in live mode, a hint if no
 * provider shows up.
 */
async function startJetDrive(d: ServeDeps, running: Running): Promise<void> {
  await d.ingest.start();
  // Before the simulator: the black box hears its first datagrams, and runs a crash left are recovered first.
  if (d.config.role !== 'edge') await d.runs.capture.start();
  d.cluster?.start(d.ingest);
  if (d.config.replayFile) {
    await startReplayMode(d.replays, d.config.replayFile);
  } else if (d.simulator) {
    await d.simulator.start();
    d.simulatorOrigin.remember();
  } else if (d.config.role !== 'edge') {
    running.cancelNoProviderWarning = warnWhenNoProvider(d.ingest, {
      afterMs: d.config.noProviderWarnMs,
      groups: d.config.groups,
    });
  }
}

/** The mapping, once its stored overrides are loaded. */
async function openMapping(config: HubConfig, ingest: Ingest): Promise<ChannelMapping> {
  const store = await createMappingStore({ dataDir: config.dataDir });
  // One cached suggestion per channel the registry may hold, so the cache never evicts a live channel's guess.
  return createChannelMapping({ store, registry: ingest.registry, options: { maxCachedChannels: config.maxChannels } });
}

/** One line saying where the hub answers (loopback when it listens on every address); returns the base URL. */
function announceListening(address: AddressInfo, source: string): string {
  const host = address.address === '0.0.0.0' || address.address === '::' ? LOOPBACK : address.address;
  const url = `http://${host}:${address.port}`;
  const where = `dashboard ${url}/, API ${url}/api/jetdrive/status`;
  log.info({ url, source }, 'jetdrive-hub listening on %s (%s): %s', url, source, where);
  return url;
}

/** The run library in <DATA_DIR>/runs and the capture tapped into the ingest. */
function createRuns(
  config: HubConfig,
  ingest: Ingest,
  resolver: QuantityResolver,
  simulator: SimulatedDyno | null,
  fs: RunFileSystem,
): HubRuns {
  const options = runOptionsOf(config);
  const dir = join(config.dataDir, 'runs');
  const library = new RunLibrary({ dir, fs, maxTotalBytes: options.maxTotalBytes, maxRuns: options.maxRuns });
  const capture = new RunCapture(options, {
    registry: ingest.registry,
    resolver,
    library,
    fs,
    tap: (listener) => ingest.onDatagram(listener),
    simulator: () => {
      const profile = simulator?.status().profile?.id;
      if (!profile) return null;
      const ve = simulator?.veScenario() ?? null;
      return {
        profile,
        scenario: ve?.scenario ?? null,
        veErrorPct: ve?.veErrorPct ?? null,
        veErrorStd: ve?.veErrorStd ?? null,
        cylinderBalance: ve?.cylinderBalance ?? null,
      };
    },
  });
  return { capture, library, fs, analysis: new RunAnalysisCache({ library, fs }) };
}

function runsStatsOf({ capture, library, analysis }: HubRuns) {
  const c = capture.stats();
  const l = library.stats();
  return {
    recording: c.state === 'recording' || c.state === 'post_roll',
    suspended: c.state === 'suspended',
    runsRecorded: c.runsRecorded,
    recovered: c.recovered,
    libraryRuns: l.runs,
    libraryBytes: l.bytes,
    removedByRetention: l.removedByRetention,
    dropped: { ring: c.ring.dropped + c.ring.refused, ...c.dropped },
    writeErrors: c.writeErrors,
    ringBytes: c.ring.bytes,
    ringMemoryBytes: c.ring.memoryBytes,
    journalsRefused: c.journalsRefused,
    analysisCache: analysis.stats(),
  };
}

/** After the simulator stopped: a run in progress ends (reason shutdown) and is saved whole. */
async function stopRuns(runs: HubRuns, running: Running): Promise<void> {
  await runs.capture.stop().catch((err: unknown) => log.warn({ err }, 'run capture stop failed'));
  running.detachRuns?.();
  runs.analysis.dispose();
}

/** Nothing started yet. */
function notRunning(): Running {
  return {
    gateway: null,
    http: null,
    socketGuard: null,
    server: null,
    detachSessions: null,
    detachRuns: null,
    detachReplays: null,
    detachAnalyses: null,
    cancelNoProviderWarning: null,
  };
}

/** The live analyses, reading the registry's samples through the (late-attached) mapping. */
function createAnalyses(
  config: HubConfig,
  ingest: Ingest,
  resolver: QuantityResolver,
  runs: HubRuns,
): AnalysisRegistry {
  return createAnalysisRegistry({
    registry: ingest.registry,
    quantityOf: (channel) => resolver.quantityOf(channel),
    // Offline analyses read runs through the run analysis' cache of decoded series (shared with the curves).
    runs: { describe: (id) => runs.library.get(id), read: async (id) => (await runs.analysis.series(id)).series },
    options: { maxAnalyses: config.analysisMax },
  });
}

/** Replays feed the registry through passive nodes of their own; a cluster's ingest node also publishes them. */
function createReplays(config: HubConfig, ingest: Ingest, cluster: ClusterNode | null): ReplayManager {
  const tap = cluster?.replayTap();
  return createReplayManager(ingest.sink, { ...replayOptionsOf(config), ...(tap ? { tap } : {}) });
}

/** The cluster node (ingest or edge role), the ingest it feeds or is fed by, and the simulator (never on an edge). */
function jetDriveOf(config: HubConfig, resolver: QuantityResolver, overrides: HubOverrides) {
  const clusterOptions = clusterOptionsOf(config);
  const cluster = clusterOptions ? createClusterNode(clusterOptions) : null;
  const ingest = createIngest({ ...ingestOptionsOf(config, resolver), ...cluster?.ingestOptions() });
  // An edge has no JetDrive network of its own: the ingest node runs the simulator.
  const simulated = sourceOf(config) === 'simulated' && config.role !== 'edge';
  const simulator = simulated ? createSimulatedDyno(simulatorOptionsOf(config, overrides.simulator)) : null;
  return { cluster, ingest, simulator };
}

/** Wires the modules together (their options come from hub-options.ts; interfaces and TTL are chosen there). */
/** Sessions' socket handlers, replays and analyses: detached and disposed before the gateway closes. */
function stopFeatures(running: Running, replays: ReplayManager, analyses: AnalysisRegistry): void {
  running.detachSessions?.();
  running.detachReplays?.();
  replays.dispose();
  running.detachAnalyses?.();
  analyses.dispose();
}

export function createHub(config: HubConfig, overrides: HubOverrides = {}): Hub {
  const late = createLateResolver();
  const { cluster, ingest, simulator } = jetDriveOf(config, late.resolver, overrides);
  const sessions = createSessionRegistry(sessionOptionsOf(config));
  const runs = createRuns(config, ingest, late.resolver, simulator, overrides.runFileSystem ?? NODE_RUN_FILE_SYSTEM);
  // Replays feed the same registry through passive nodes of their own (never the network).
  const replays = createReplays(config, ingest, cluster);
  const analyses = createAnalyses(config, ingest, late.resolver, runs);
  // One budget per identity (the operator's, or an address's anonymous one), shared by HTTP and Socket.IO control.
  const limiter = createRateLimiter({ ratePerMin: config.controlRatePerMin, burst: config.controlBurst });
  const running = notRunning();
  let lastDatagramAt: number | null = null;
  let stopping: Promise<void> | null = null;
  const datagramWatch = ingest.registry.samples$.subscribe((batch) => {
    lastDatagramAt = batch.receivedAt;
  });
  const providerWatch = logProviderEvents(ingest);
  const ingestStatus = (): IngestStatus => ingestStatusOf(ingest, config, lastDatagramAt, cluster);

  return {
    ingest,
    simulator,
    replays,
    gateway: () => running.gateway,
    http: () => running.http,
    runs,
    cluster,
    async start() {
      // Before anything anyone could see (a token printed, the simulator sending): fail now if start must fail.
      await preflight(config);
      const operatorToken = await loadOperatorToken({ dataDir: config.dataDir, envToken: config.operatorToken });
      announceOperatorToken(operatorToken);
      const policy = createAuthPolicy({ operatorToken: operatorToken.token, viewerToken: config.viewerToken });
      const mapping = await openMapping(config, ingest);
      late.attach(mapping);
      const simulatorOrigin = createSimulatorOrigin(simulator);
      const deps = {
        config,
        overrides,
        ingest,
        sessions,
        replays,
        analyses,
        simulator,
        mapping,
        policy,
        limiter,
        ingestStatus,
        simulatorOrigin,
        runs,
        cluster,
      };
      await startJetDrive(deps, running);
      const address = await serve(deps, running);
      const url = announceListening(address, ingestStatus().source);
      cluster?.listening(url);
      return { url, port: address.port, jetdrivePort: ingest.port() ?? config.jetdrivePort, operatorToken };
    },
    stop() {
      stopping ??= (async () => {
        running.cancelNoProviderWarning?.();
        await simulator?.stop().catch((err: unknown) => log.warn({ err }, 'simulator stop failed'));
        sessions.dispose();
        await stopRuns(runs, running);
        stopFeatures(running, replays, analyses);
        if (running.gateway) await running.gateway.close();
        else if (running.server) await closeServer(running.server);
        datagramWatch.unsubscribe();
        providerWatch.unsubscribe();
        late.detach();
        await ingest.stop();
        await cluster?.close();
        log.info('jetdrive-hub stopped');
      })();
      return stopping;
    },
  };
}
