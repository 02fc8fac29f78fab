import Router from '@koa/router';
import type { ChannelRegistry, IngestStats } from '../../channels/types.js';
import type { ChannelMapping } from '../../mapping/channel-mapping.js';
import type { SimulatedDynoController } from '../../sim/types.js';
import { providerJson } from '../provider-json.js';
import { storeStatusJson } from '../store-status-json.js';
import type { IngestStatusSource, MetricsSources } from '../types.js';

export interface StatusRouterDeps {
  registry: ChannelRegistry;
  mapping: ChannelMapping;
  ingestStatus?: IngestStatusSource;
  simulator?: SimulatedDynoController | null;
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

/** GET /api/jetdrive/status and /providers. */
export function createStatusRouter(deps: StatusRouterDeps): Router {
  const router = new Router({ prefix: '/api/jetdrive' });

  router.get('/status', (ctx) => {
    // Providers and counts only: a snapshot of every channel per request is what a rogue host's channels made slow.
    const providers = deps.registry.providers();
    const ingest = deps.ingestStatus?.() ?? null;
    const simulatorActive = deps.simulator ? deps.simulator.status().active : false;
    const source = ingest?.source ?? (simulatorActive ? 'simulated' : 'live');
    const lastDatagramAt = ingest?.lastDatagramAt ?? null;
    const gateway = deps.metrics?.gateway?.() ?? null;
    const mappingSummary = deps.mapping.summary();
    const store = deps.mapping.storeStatus();
    ctx.body = {
      success: true,
      source,
      simulated: source === 'simulated',
      simulator: deps.simulator ? { available: true, active: simulatorActive } : { available: false, active: false },
      uptime_s: Math.round((deps.now() - deps.startedAt) / 100) / 10,
      ingest: ingest
        ? {
            bound: ingest.bound,
            host_id: ingest.hostId,
            host_id_hex:
              ingest.hostId === null ? null : `0x${ingest.hostId.toString(16).toUpperCase().padStart(4, '0')}`,
            passive: ingest.passive,
            port: ingest.port,
            groups: ingest.groups,
            joined: ingest.joins.filter((join) => join.ok).map((join) => ({ group: join.group, iface: join.iface })),
            failures: ingest.joins
              .filter((join) => !join.ok)
              .map((join) => ({ group: join.group, iface: join.iface, error: join.error ?? 'unknown error' })),
            last_datagram_at: lastDatagramAt === null ? null : new Date(lastDatagramAt).toISOString(),
          }
        : null,
      providers: providers.map(providerJson),
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
  });

  router.get('/providers', (ctx) => {
    const providers = deps.registry.providers().map(providerJson);
    ctx.body = { success: true, providers, count: providers.length, timestamp: new Date(deps.now()).toISOString() };
  });

  return router;
}
