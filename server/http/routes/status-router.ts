import Router from '@koa/router';
import type { ChannelRegistry, IngestStats } from '../../channels/types.js';
import type { ChannelMapping } from '../../mapping/channel-mapping.js';
import { chooseDynoChannels } from '../../mapping/choose-dyno-channels.js';
import { providersJson } from '../provider-json.js';
import { route } from '../route.js';
import type { SimulatorControl } from '../simulator-control.js';
import { storeStatusJson } from '../store-status-json.js';
import type { IngestStatus, IngestStatusSource, MetricsSources, SimulatorOriginOf } from '../types.js';

export interface StatusRouterDeps {
  registry: ChannelRegistry;
  mapping: ChannelMapping;
  ingestStatus?: IngestStatusSource;
  simulator?: SimulatorControl | null;
  simulatorOrigin?: SimulatorOriginOf;
  metrics?: MetricsSources;
  startedAt: number;
  now: () => number;
}

function sum(record: Record<string, number>): number {
  return Object.values(record).reduce((total, value) => total + value, 0);
}

function countersOf(stats: IngestStats) {
  return {
    datagrams: stats.datagrams,
    bytes: stats.bytes,
    samples: stats.samples,
    stale_samples: stats.staleSamples,
    provider_conflicts: stats.conflicts,
    provider_evictions: stats.evictions,
    pongs_suppressed: stats.pongsSuppressed,
    host_id_changes_suppressed: stats.collisionsSuppressed,
    malformed: sum(stats.malformed),
    malformed_by_code: stats.malformed,
    unknown_keys: stats.unknownKeys,
    trailing_bytes: stats.trailingBytes,
    partial_records: stats.partialRecords,
    ignored: {
      own_messages: stats.ignored.ownMessages,
      from_all_hosts: stats.ignored.fromAllHosts,
      not_for_us: stats.ignored.notForUs,
      incompatible: stats.ignored.incompatible,
    },
    drops: stats.drops,
  };
}

const DYNO_CHOICE_MAX_AGE_MS = 1000;

/**
 * The provider and channels the dashboard's pull chart reads (one dyno, chosen through the mapping). Reads the
 * quantities as last resolved: resolving every channel here made one request O(channels) suggestions (issue 13).
 */
function dynoJson(mapping: ChannelMapping, registry: ChannelRegistry) {
  const dyno = chooseDynoChannels(registry.providers(), [...mapping.lastQuantities()]);
  return dyno && { provider_id: dyno.providerId, provider_name: dyno.providerName, channels: dyno.channels };
}

/** The status's `ingest` section: where the hub listens and what its JetDrive node did. */
function ingestJson(ingest: IngestStatus) {
  const lastDatagramAt = ingest.lastDatagramAt;
  return {
    bound: ingest.bound,
    host_id: ingest.hostId,
    host_id_hex: ingest.hostId === null ? null : `0x${ingest.hostId.toString(16).toUpperCase().padStart(4, '0')}`,
    passive: ingest.passive,
    port: ingest.port,
    groups: ingest.groups,
    joined: ingest.joins.filter((join) => join.ok).map((join) => ({ group: join.group, iface: join.iface })),
    failures: ingest.joins
      .filter((join) => !join.ok)
      .map((join) => ({ group: join.group, iface: join.iface, error: join.error ?? 'unknown error' })),
    last_datagram_at: lastDatagramAt === null ? null : new Date(lastDatagramAt).toISOString(),
    source_policy: ingest.sourcePolicy ?? null,
    host_id_changes: ingest.hostIdChanges ?? null,
    pongs_answered: ingest.pongsAnswered ?? null,
  };
}

/** GET /api/jetdrive/status and /providers. */
export function createStatusRouter(deps: StatusRouterDeps): Router {
  const router = new Router({ prefix: '/api/jetdrive' });

  // Choosing the dyno reads every channel: at most once a second, however often status is asked for.
  let dynoAt = Number.NEGATIVE_INFINITY;
  let dynoCached: ReturnType<typeof dynoJson> = null;
  const dyno = (): ReturnType<typeof dynoJson> => {
    const now = deps.now();
    if (now - dynoAt >= DYNO_CHOICE_MAX_AGE_MS) {
      dynoCached = dynoJson(deps.mapping, deps.registry);
      dynoAt = now;
    }
    return dynoCached;
  };

  router.get(
    '/status',
    route({}, (ctx) => {
      // Providers and counts only: a snapshot of every channel per request is what a rogue host's channels made slow.
      const providers = deps.registry.providers();
      const ingest = deps.ingestStatus?.() ?? null;
      const simulatorActive = deps.simulator ? deps.simulator.status().active : false;
      const source = ingest?.source ?? (simulatorActive ? 'simulated' : 'live');
      const gateway = deps.metrics?.gateway?.() ?? null;
      const mappingSummary = deps.mapping.summary();
      const store = deps.mapping.storeStatus();
      ctx.body = {
        success: true,
        source,
        simulated: source === 'simulated',
        simulator: deps.simulator ? { available: true, active: simulatorActive } : { available: false, active: false },
        uptime_s: Math.round((deps.now() - deps.startedAt) / 100) / 10,
        role: ingest?.cluster?.role ?? 'standalone',
        cluster: ingest?.cluster ? { ...ingest.cluster, counters: ingest.clusterCounters ?? null } : null,
        ingest: ingest && ingestJson(ingest),
        dyno: dyno(),
        providers: providersJson(providers, deps.simulatorOrigin),
        provider_count: providers.length,
        channel_count: deps.registry.channelCount(),
        mapping: {
          mapped: mappingSummary.mapped,
          unmapped: mappingSummary.unmapped,
          hidden: mappingSummary.hidden,
          ...storeStatusJson(store),
        },
        viewers: gateway?.viewers ?? 0,
        counters: countersOf(deps.metrics?.ingest?.() ?? deps.registry.stats()),
        timestamp: new Date(deps.now()).toISOString(),
      };
    }),
  );

  router.get(
    '/providers',
    route({}, (ctx) => {
      const providers = providersJson(deps.registry.providers(), deps.simulatorOrigin);
      ctx.body = { success: true, providers, count: providers.length, timestamp: new Date(deps.now()).toISOString() };
    }),
  );

  return router;
}
