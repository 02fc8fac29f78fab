import { Subject, type Subscription } from 'rxjs';
import { createNodeCounters } from '../jetdrive/create-node-counters.js';
import type { JetDriveSink, NodeCounters } from '../jetdrive/types.js';
import { MAX_CHANNEL_VALUE_RECORDS } from '../protocol/channel-values-batch.js';
import { buildIngestStats } from './build-ingest-stats.js';
import { CatalogPublisher } from './catalog-publisher.js';
import { ChannelTable } from './channel-table.js';
import { createDefaultQuantityResolver } from './create-default-quantity-resolver.js';
import type { MappingSummary } from './create-mapping-tally.js';
import { DEFAULT_REGISTRY_OPTIONS, type RegistryOptions } from './default-registry-options.js';
import { MappingLog } from './mapping-log.js';
import { ProviderTable } from './provider-table.js';
import { RegistryWriter } from './registry-writer.js';
import type {
  CatalogEvent,
  CatalogSnapshot,
  ChannelMeta,
  ChannelRegistry,
  IngestStats,
  QuantityResolver,
  SampleBatch,
} from './types.js';

export type { MappingSummary } from './create-mapping-tally.js';

/** The registry plus the write side the JetDrive node feeds. */
export interface ChannelRegistryHandle extends ChannelRegistry {
  /** The write API: provider changes, ChannelInfo, and ChannelValues as decoded columns (ChannelValuesBatch). */
  readonly sink: JetDriveSink;
  /** channel$ views with at least one subscriber (refcounting is observable through it). */
  viewCount(): number;
  /** Per provider, as last logged on a channel-set change. */
  mapping(): MappingSummary[];
  /** Completes the streams (subscribers see `complete`) and stops listening to the resolver. */
  dispose(): void;
}

export interface ChannelRegistryDeps {
  /** The node's counters, folded into stats(). */
  counters?: NodeCounters;
  /** The quantity mapping (server/mapping/); a unit/keyword stand-in when absent. */
  resolver?: QuantityResolver;
  now?: () => number;
}

/**
 * Providers, channels and their samples, composed of a provider table, a channel table (with the hot path), the
 * catalog's version and notifications, and the mapping log. The hot path (`sink.channelValues`) handles one
 * datagram's decoded columns in one call and emits one columnar SampleBatch.
 */
export function createChannelRegistry(
  options: Partial<RegistryOptions> = {},
  deps: ChannelRegistryDeps = {},
): ChannelRegistryHandle {
  const opts: RegistryOptions = { ...DEFAULT_REGISTRY_OPTIONS, ...options };
  const counters = deps.counters ?? createNodeCounters();
  const resolver = deps.resolver ?? createDefaultQuantityResolver();
  const now = deps.now ?? (() => Date.now());
  const drops: Record<string, number> = {};
  const drop = (name: string): void => {
    drops[name] = (drops[name] ?? 0) + 1;
  };
  const samples$ = new Subject<SampleBatch>();
  const events$ = new Subject<CatalogEvent>();

  const shape = {
    maxChannels: opts.maxChannelsPerProvider,
    history: { maxPerChannel: opts.historyMax, maxAgeMs: opts.historyMs },
  };
  const providers = new ProviderTable(opts.maxProviders, shape, resolver, () => drop('providers'));
  const buildCatalog = (): CatalogSnapshot => {
    const t = now();
    const channels: ChannelMeta[] = [];
    for (const pe of providers.values())
      for (const e of pe.channels.values()) channels.push(e.rateSnapshot(t, opts.historyMs));
    return { version: catalog.version, providers: providers.snapshots(), channels };
  };
  const catalog = new CatalogPublisher(buildCatalog);
  const channels = new ChannelTable(
    opts,
    { changed: (structural) => catalog.changed(structural), emit: (event) => events$.next(event), drop },
    MAX_CHANNEL_VALUE_RECORDS,
  );
  const mappingLog = new MappingLog();
  const sink = new RegistryWriter({ opts, now, providers, channels, catalog, mappingLog, samples$, events$ });

  // Overrides changed (or the real mapping was attached): every channel is judged again, once per change.
  const resolverSubscription: Subscription = resolver.changes$.subscribe(() =>
    mappingLog.rejudgeAll(providers.values()),
  );

  return {
    sink,
    viewCount: channels.views.count,
    mapping: () => mappingLog.summaries(),
    catalog$: catalog.catalog$,
    samples$: samples$.asObservable(),
    events$: events$.asObservable(),
    channel$: channels.views.channel$,
    catalog: buildCatalog,
    forEachChannel(visit) {
      for (const e of channels.values()) visit(e.meta);
    },
    providers: () => providers.snapshots(),
    channelCount: () => channels.size,
    getChannel: (key) => channels.get(key)?.rateSnapshot(now(), opts.historyMs),
    history: (key, sinceMs) => channels.get(key)?.history(now(), opts.historyMs, sinceMs) ?? [],
    stats: (): IngestStats =>
      buildIngestStats(
        counters,
        { samples: channels.samples, staleSamples: channels.staleSamples, drops },
        providers.values(),
      ),
    dispose() {
      resolverSubscription.unsubscribe();
      samples$.complete();
      events$.complete();
      catalog.complete();
      channels.views.completeAll();
    },
  };
}
