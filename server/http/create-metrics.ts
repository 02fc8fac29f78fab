import { Counter, collectDefaultMetrics, Gauge, Registry } from 'prom-client';
import type { ChannelRegistry, IngestStats } from '../channels/types.js';
import type { ChannelMapping } from '../mapping/channel-mapping.js';
import type { MetricsSources } from './types.js';

// Prometheus metrics in the hub's own Registry (never prom-client's global one, so two hubs in one process — tests —
// do not collide). Values are read from the modules' stats() at scrape time; nothing here runs on a timer except
// prom-client's event-loop delay monitor.

export interface HubMetrics {
  readonly registry: Registry;
  readonly contentType: string;
  render(): Promise<string>;
}

export interface MetricsDeps {
  sources: MetricsSources;
  registry: ChannelRegistry;
  mapping?: ChannelMapping;
  /** Adds process/Node metrics (heap, event-loop lag, GC); on by default. */
  defaultMetrics?: boolean;
}

/** A counter whose value mirrors a monotonic total kept elsewhere. */
type Reading = Record<string, number> | number | null;

/** Applies a reading: one unlabelled value, or one value per key of the first label. */
function applyReading(
  reading: Reading,
  label: string | undefined,
  put: (labels: Record<string, string> | null, v: number) => void,
): void {
  if (reading === null) return;
  if (typeof reading === 'number') {
    put(null, reading);
    return;
  }
  if (label === undefined) return;
  for (const [key, value] of Object.entries(reading)) put({ [label]: key }, value);
}

/** A counter that mirrors a cumulative count kept elsewhere (read at scrape time). */
function mirroredCounter(
  registry: Registry,
  name: string,
  help: string,
  labelNames: string[],
  read: () => Reading,
): void {
  new Counter({
    name,
    help,
    labelNames,
    registers: [registry],
    collect() {
      this.reset();
      applyReading(read(), labelNames[0], (labels, v) => (labels ? this.inc(labels, v) : this.inc(v)));
    },
  });
}

function gauge(registry: Registry, name: string, help: string, labelNames: string[], read: () => Reading): void {
  new Gauge({
    name,
    help,
    labelNames,
    registers: [registry],
    collect() {
      this.reset();
      applyReading(read(), labelNames[0], (labels, v) => (labels ? this.set(labels, v) : this.set(v)));
    },
  });
}

function byProvider(
  stats: IngestStats,
  field: 'received' | 'dropped' | 'outOfOrder' | 'duplicates',
): Record<string, number> {
  return Object.fromEntries(Object.entries(stats.providers).map(([provider, counters]) => [provider, counters[field]]));
}

type Sources = MetricsDeps['sources'];

/** Ingest totals: datagrams, bytes, samples, what was dropped and why. */
function registerIngestMetrics(registry: Registry, ingest: () => IngestStats): void {
  mirroredCounter(registry, 'jetdrive_datagrams_total', 'JetDrive datagrams received', [], () => ingest().datagrams);
  mirroredCounter(registry, 'jetdrive_bytes_total', 'JetDrive bytes received', [], () => ingest().bytes);
  mirroredCounter(registry, 'jetdrive_samples_total', 'Channel samples decoded', [], () => ingest().samples);
  mirroredCounter(
    registry,
    'jetdrive_malformed_total',
    'Datagrams dropped as malformed, by decode error code',
    ['code'],
    () => ingest().malformed,
  );
  mirroredCounter(
    registry,
    'jetdrive_unknown_keys_total',
    'Messages with a key this hub does not know',
    [],
    () => ingest().unknownKeys,
  );
  mirroredCounter(registry, 'jetdrive_ignored_total', 'Messages ignored on purpose, by reason', ['reason'], () => ({
    ...ingest().ignored,
  }));
  mirroredCounter(
    registry,
    'jetdrive_buffer_drops_total',
    'Items dropped by a full bounded buffer, by buffer',
    ['buffer'],
    () => ingest().drops,
  );
  mirroredCounter(
    registry,
    'jetdrive_provider_conflicts_total',
    'Frames whose source address disagreed with the one their host id uses (possible spoofing), by action',
    ['action'],
    () => ingest().conflicts,
  );
  mirroredCounter(
    registry,
    'jetdrive_provider_evictions_total',
    'Providers forgotten to make room for a new host in the full provider table',
    [],
    () => ingest().evictions,
  );
  mirroredCounter(
    registry,
    'jetdrive_pongs_suppressed_total',
    'Pings left unanswered by the Pong rate limits, by reason',
    ['reason'],
    () => ingest().pongsSuppressed,
  );
  mirroredCounter(
    registry,
    'jetdrive_stale_samples_total',
    'Samples dropped as older than their channel newest by more than the stale window (replays)',
    [],
    () => ingest().staleSamples,
  );
  mirroredCounter(
    registry,
    'jetdrive_host_id_collisions_suppressed_total',
    'Frames under our own host id that did not change it (changed too recently)',
    [],
    () => ingest().collisionsSuppressed,
  );
  registerSequenceMetrics(registry, ingest);
}

/** Per-provider sequence counters: frames received, lost, out of order, duplicated. */
function registerSequenceMetrics(registry: Registry, ingest: () => IngestStats): void {
  mirroredCounter(registry, 'jetdrive_sequence_received_total', 'Frames received per provider', ['provider'], () =>
    byProvider(ingest(), 'received'),
  );
  mirroredCounter(
    registry,
    'jetdrive_sequence_dropped_total',
    'Frames lost per provider (sequence gaps)',
    ['provider'],
    () => byProvider(ingest(), 'dropped'),
  );
  mirroredCounter(
    registry,
    'jetdrive_sequence_out_of_order_total',
    'Frames out of order per provider',
    ['provider'],
    () => byProvider(ingest(), 'outOfOrder'),
  );
  mirroredCounter(registry, 'jetdrive_sequence_duplicates_total', 'Duplicate frames per provider', ['provider'], () =>
    byProvider(ingest(), 'duplicates'),
  );
}

/** The catalog now: providers by state, channels by mapping state. */
function registerCatalogMetrics(registry: Registry, deps: MetricsDeps): void {
  gauge(registry, 'jetdrive_providers', 'Known providers by state', ['state'], () => {
    const providers = deps.registry.providers();
    const online = providers.filter((provider) => provider.online).length;
    return { online, offline: providers.length - online };
  });
  gauge(registry, 'jetdrive_channels', 'Channels by mapping state', ['state'], (): Record<string, number> => {
    if (!deps.mapping) return { total: deps.registry.channelCount() };
    const summary = deps.mapping.summary();
    return { mapped: summary.mapped, unmapped: summary.unmapped, hidden: summary.hidden };
  });
}

/** The Socket.IO gateway: viewers, subscriptions, slow viewers, refused subscriptions and packets. */
function registerRealtimeMetrics(registry: Registry, gateway: Sources['gateway']): void {
  gauge(registry, 'jetdrive_realtime_viewers', 'Connected Socket.IO viewers', [], () => gateway?.().viewers ?? 0);
  gauge(
    registry,
    'jetdrive_realtime_subscriptions',
    'Active channel subscriptions',
    [],
    () => gateway?.().subscriptions ?? 0,
  );
  gauge(
    registry,
    'jetdrive_realtime_lagging_viewers',
    'Viewers currently being conflated',
    [],
    () => gateway?.().laggingViewers ?? 0,
  );
  mirroredCounter(
    registry,
    'jetdrive_realtime_conflated_frames_total',
    'Frames replaced by a newer value for slow viewers',
    [],
    () => (gateway ? gateway().conflatedFrames : 0),
  );
  mirroredCounter(registry, 'jetdrive_realtime_dropped_frames_total', 'Frames dropped for slow viewers', [], () =>
    gateway ? gateway().droppedFrames : 0,
  );
  mirroredCounter(
    registry,
    'jetdrive_realtime_disconnected_slow_total',
    'Viewers disconnected for being too slow',
    [],
    () => (gateway ? gateway().disconnectedSlow : 0),
  );
  mirroredCounter(
    registry,
    'jetdrive_realtime_refused_subscriptions_total',
    'Subscriptions refused, by the cap that refused them',
    ['reason'],
    () => gateway?.().refusedSubscriptions ?? {},
  );
  mirroredCounter(
    registry,
    'jetdrive_realtime_refused_packets_total',
    'Socket.IO packets refused before reaching a handler, by code',
    ['code'],
    () => gateway?.().refusedPackets ?? {},
  );
  mirroredCounter(
    registry,
    'jetdrive_realtime_unjoined_sessions_closed_total',
    'Engine.IO sessions closed for not joining within the connect timeout',
    [],
    () => gateway?.().unjoinedSessionsClosed ?? 0,
  );
}

/** Authorization, control budgets and the socket guard's refusals. */
function registerAuthMetrics(registry: Registry, sources: Sources): void {
  // Two labels, so not a mirroredCounter (which maps one label).
  new Counter({
    name: 'jetdrive_auth_refusals_total',
    help: 'Requests, connections and commands refused by the authorization check, by required role and reason',
    labelNames: ['role', 'reason'],
    registers: [registry],
    collect() {
      this.reset();
      const stats = sources.auth?.();
      if (!stats) return;
      for (const [role, reasons] of Object.entries(stats.refusals)) {
        for (const [reason, count] of Object.entries(reasons)) this.inc({ role, reason }, count);
      }
    },
  });
  mirroredCounter(
    registry,
    'jetdrive_rate_limited_total',
    'Control requests and commands refused by the per-client rate limit',
    [],
    () => sources.rateLimit?.().limited ?? 0,
  );
  mirroredCounter(
    registry,
    'jetdrive_rate_limit_evictions_total',
    'Clients forgotten by the rate limiter because its table was full',
    [],
    () => sources.rateLimit?.().evicted ?? 0,
  );
  gauge(
    registry,
    'jetdrive_rate_limit_clients',
    'Clients the rate limiter remembers',
    [],
    () => sources.rateLimit?.().clients ?? 0,
  );
  mirroredCounter(
    registry,
    'jetdrive_realtime_refused_connections_total',
    'Socket.IO connections refused, by reason',
    ['reason'],
    () => sources.socketGuard?.()?.refusedConnections ?? {},
  );
  mirroredCounter(
    registry,
    'jetdrive_realtime_refused_commands_total',
    'Socket.IO commands refused, by reason',
    ['reason'],
    () => sources.socketGuard?.()?.refusedCommands ?? {},
  );
  mirroredCounter(
    registry,
    'jetdrive_realtime_refused_handshakes_total',
    'Engine.IO handshakes refused before anything was allocated, by reason',
    ['reason'],
    () => sources.socketGuard?.()?.handshakes.refused ?? {},
  );
  gauge(
    registry,
    'jetdrive_realtime_pending_handshakes',
    'Engine.IO sessions that have not joined the namespace yet',
    [],
    () => sources.socketGuard?.()?.handshakes.pending ?? 0,
  );
  gauge(
    registry,
    'jetdrive_realtime_connection_addresses',
    'Client addresses with at least one non-operator connection',
    [],
    () => sources.socketGuard?.()?.addresses ?? 0,
  );
}

type RunsReading = (s: NonNullable<ReturnType<NonNullable<Sources['runs']>>>) => Reading;

/** Run capture and library metrics: [counter or gauge, name, help, label, reading]. */
const RUNS_METRICS: ReadonlyArray<readonly ['counter' | 'gauge', string, string, string | null, RunsReading]> = [
  ['gauge', 'jetdrive_recording', 'A run is being recorded (1) or not (0)', null, (s) => (s.recording ? 1 : 0)],
  [
    'gauge',
    'jetdrive_recording_suspended',
    'Recording stopped by a write error, until space returns',
    null,
    (s) => (s.suspended ? 1 : 0),
  ],
  [
    'counter',
    'jetdrive_recording_errors_total',
    'Write errors that suspended recording, by code',
    'code',
    (s) => s.writeErrors,
  ],
  ['counter', 'jetdrive_runs_recorded_total', 'Runs recorded and saved', null, (s) => s.runsRecorded],
  [
    'counter',
    'jetdrive_runs_recovered_total',
    'Unfinished run files finalised at a later start',
    null,
    (s) => s.recovered,
  ],
  ['counter', 'jetdrive_runs_removed_total', 'Runs removed by retention', null, (s) => s.removedByRetention],
  ['counter', 'jetdrive_runs_dropped_datagrams_total', 'Datagrams not recorded, by buffer', 'buffer', (s) => s.dropped],
  [
    'counter',
    'jetdrive_runs_journals_refused_total',
    'Unfinished journals not recovered: not a journal this hub reads (foreign file or another layout version)',
    null,
    (s) => s.journalsRefused ?? 0,
  ],
  ['gauge', 'jetdrive_runs_library_runs', 'Runs in the library', null, (s) => s.libraryRuns],
  ['gauge', 'jetdrive_runs_library_bytes', 'Bytes of run files in the library', null, (s) => s.libraryBytes],
  ['gauge', 'jetdrive_runs_blackbox_bytes', 'Datagram bytes held by the black-box ring', null, (s) => s.ringBytes],
  [
    'gauge',
    'jetdrive_run_analysis_cache_bytes',
    'Bytes of decoded run series the run analysis keeps',
    null,
    (s) => s.analysisCache?.seriesBytes ?? 0,
  ],
  [
    'counter',
    'jetdrive_run_analysis_cache_lookups_total',
    'Run analysis cache lookups, by result',
    'result',
    (s) => ({ hit: s.analysisCache?.hits ?? 0, miss: s.analysisCache?.misses ?? 0 }),
  ],
  [
    'counter',
    'jetdrive_run_analysis_cache_evictions_total',
    'Decoded series and curve sets pushed out of the run analysis cache by its bounds',
    null,
    (s) => s.analysisCache?.evicted ?? 0,
  ],
];

function registerRunsMetrics(registry: Registry, runs: Sources['runs']): void {
  for (const [kind, name, help, label, pick] of RUNS_METRICS) {
    const read = (): Reading => {
      const s = runs?.();
      return s ? pick(s) : label === null ? 0 : {};
    };
    if (kind === 'counter') mirroredCounter(registry, name, help, label === null ? [] : [label], read);
    else gauge(registry, name, help, label === null ? [] : [label], read);
  }
}

function registerAnalysisMetrics(registry: Registry, read: MetricsSources['analyses']): void {
  gauge(registry, 'jetdrive_analyses', 'Live VE analyses kept, by status', ['status'], () => read?.().byStatus ?? {});
  mirroredCounter(
    registry,
    'jetdrive_analysis_starts_refused_total',
    'Analysis starts refused because ANALYSIS_MAX analyses were kept',
    [],
    () => read?.().refused ?? 0,
  );
  gauge(
    registry,
    'jetdrive_analysis_samples',
    'Samples of the analyses kept now, by outcome (accepted, or the filter that refused them)',
    ['outcome'],
    () => read?.().samples ?? {},
  );
}

export function createMetrics(deps: MetricsDeps): HubMetrics {
  const registry = new Registry();
  registerIngestMetrics(registry, () => deps.sources.ingest?.() ?? deps.registry.stats());
  registerCatalogMetrics(registry, deps);
  registerRealtimeMetrics(registry, deps.sources.gateway);
  registerRunsMetrics(registry, deps.sources.runs);
  gauge(
    registry,
    'jetdrive_sessions',
    'Virtual tuning sessions by status',
    ['status'],
    () => deps.sources.sessions?.().byStatus ?? {},
  );
  registerAnalysisMetrics(registry, deps.sources.analyses);
  registerAuthMetrics(registry, deps.sources);
  mirroredCounter(
    registry,
    'jetdrive_http_errors_total',
    'HTTP requests answered with an error, by code (validation, auth, 404, 405, internal, …)',
    ['code'],
    () => deps.sources.httpErrors?.() ?? {},
  );
  if (deps.defaultMetrics !== false) collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: 20 });

  return {
    registry,
    contentType: registry.contentType,
    render: () => registry.metrics(),
  };
}
