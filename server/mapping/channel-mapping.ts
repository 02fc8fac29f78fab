import { merge, type Observable, type Subscription } from 'rxjs';
import type { CatalogEvent, ChannelMeta, ChannelRegistry, QuantityResolver } from '../channels/types.js';
import type { ChannelOverride, ProviderOverrides } from './channel-override.js';
import { createMappingCounts, type MappingSummary, type ResolvedQuantity } from './create-mapping-counts.js';
import { createSiblingIndex } from './create-sibling-index.js';
import { createSuggestionCache } from './create-suggestion-cache.js';
import type { MappingStore, MappingStoreStatus } from './mapping-store.js';
import { nullProtoCopy } from './null-proto-record.js';
import { effectiveUnit, mappingStateOf, type ResolvedChannel, resolveChannel } from './resolve-channel.js';
import { DEFAULT_SUGGEST_OPTIONS } from './suggest-quantity.js';

// The mapping = the automatic suggestion plus the user's per-provider overrides. It implements the QuantityResolver
// the realtime gateway and the ingest summary use; quantityOf() is called often, so suggestions are cached per
// channel and re-evaluated at most every `reevaluateMs` (values can settle a guess such as MAP vs baro).
// Per-channel work is O(1): what a suggestion needs of the sibling channels and the mapped/unmapped/hidden summary are
// kept up to date from the registry's events, never recomputed from a catalog snapshot.

export interface ChannelMappingOptions {
  acceptThreshold: number;
  /** How often a cached automatic suggestion is recomputed from newer values. */
  reevaluateMs: number;
  /** Bound on the suggestion cache (channels come from the network). */
  maxCachedChannels: number;
  /**
   * Changed suggestions are announced at most this often: each announcement makes the registry and the gateway look
   * at every channel again, so a host flipping guesses (adding and clearing a Humidity channel) must not set the pace.
   */
  suggestionNoticeIntervalMs: number;
  /**
   * Old suggestions recomputed per `staleWindowMs` at most, however many are read: a reader of every channel would
   * otherwise recompute all of them in one task when they age together (see create-suggestion-cache.ts).
   */
  staleRefreshes: number;
  staleWindowMs: number;
}

export const DEFAULT_CHANNEL_MAPPING_OPTIONS: ChannelMappingOptions = {
  acceptThreshold: DEFAULT_SUGGEST_OPTIONS.acceptThreshold,
  reevaluateMs: 5_000,
  maxCachedChannels: 4_096,
  suggestionNoticeIntervalMs: 250,
  staleRefreshes: 64,
  staleWindowMs: 50,
};

export type { MappingSummary, ResolvedQuantity } from './create-mapping-counts.js';
export type { MappingSource, ResolvedChannel } from './resolve-channel.js';

export interface ChannelMapping extends QuantityResolver {
  /** Full resolution with a fresh suggestion from the channel's recent values. */
  resolve(channel: ChannelMeta): ResolvedChannel;
  overrides(provider: string): ProviderOverrides;
  setOverrides(provider: string, overrides: ProviderOverrides): Promise<void>;
  deleteOverrides(provider: string, channel?: string): Promise<boolean>;
  providersWithOverrides(): string[];
  /**
   * Connects the registry whose history and sibling channels inform suggestions. The ingest takes the resolver at
   * construction and creates the registry itself, so main builds the mapping first and attaches the registry after.
   */
  attach(registry: ChannelRegistry): void;
  /** Mapped / unmapped / hidden over the registry's channels, as last resolved (kept up to date, O(1)). */
  summary(): MappingSummary;
  /**
   * Every channel's quantity as last resolved (kept current from registry events and override changes, O(1) each):
   * for a reader of all channels at once, which resolving each anew would make O(channels) suggestions.
   */
  lastQuantities(): Iterable<ResolvedQuantity>;
  storeStatus(): MappingStoreStatus;
}

export interface ChannelMappingDeps {
  /** Optional here; see attach(). Without a registry, suggestions use names and units only. */
  registry?: ChannelRegistry;
  store: MappingStore;
  options?: Partial<ChannelMappingOptions>;
  now?: () => number;
}

function overrideOf(store: MappingStore, channel: ChannelMeta): ChannelOverride | null {
  const overrides = store.get(channel.providerName);
  return overrides && Object.hasOwn(overrides, channel.name) ? overrides[channel.name] : null;
}

/** A rename is the old name removed and the new one added (sibling evidence and counts follow the name). */
function onCatalogEvent(event: CatalogEvent, added: (c: ChannelMeta) => void, removed: (c: ChannelMeta) => void): void {
  if (event.type === 'channel:added') added(event.channel);
  else if (event.type === 'channel:removed') removed(event.channel);
  else if (event.type === 'channel:renamed') {
    removed({ ...event.channel, name: event.previousName });
    added(event.channel);
  }
}

export function createChannelMapping(deps: ChannelMappingDeps): ChannelMapping {
  const opts = { ...DEFAULT_CHANNEL_MAPPING_OPTIONS, ...deps.options };
  const now = deps.now ?? Date.now;
  const { store } = deps;
  let registry: ChannelRegistry | null = null;
  let registryEvents: Subscription | null = null;
  const counts = createMappingCounts();
  const siblings = createSiblingIndex();
  const suggestions = createSuggestionCache(opts, () => registry, siblings, now);

  function resolveWith(channel: ChannelMeta, fresh: boolean): ResolvedChannel {
    const override = overrideOf(store, channel);
    const suggestion = suggestions.suggestionFor(channel, effectiveUnit(channel, override), fresh);
    const resolved = resolveChannel(channel, override, suggestion);
    counts.record(channel.key, mappingStateOf(resolved), resolved.quantity);
    return resolved;
  }

  /** Resolves tracked channels again (overrides changed, or a provider's sibling evidence did). */
  function resolveAgain(keys: Iterable<string>): void {
    if (!registry) return;
    for (const key of [...keys]) {
      const channel = registry.getChannel(key);
      if (channel) resolveWith(channel, false);
      else counts.forget(key);
    }
  }

  function added(channel: ChannelMeta): void {
    counts.track(channel.key, channel.providerId);
    if (siblings.add(channel.providerId, channel.name)) resolveAgain(counts.keysOf(channel.providerId));
    else resolveWith(channel, false);
  }

  function removed(channel: ChannelMeta): void {
    counts.forget(channel.key);
    suggestions.delete(channel.key);
    if (siblings.remove(channel.providerId, channel.name)) resolveAgain(counts.keysOf(channel.providerId));
  }

  function attach(next: ChannelRegistry): void {
    registryEvents?.unsubscribe();
    registry = next;
    suggestions.clear();
    counts.clear();
    siblings.clear();
    // One snapshot at attach time; from then on the registry's events keep the indexes current.
    const channels = next.catalog().channels;
    for (const channel of channels) {
      counts.track(channel.key, channel.providerId);
      siblings.add(channel.providerId, channel.name);
    }
    for (const channel of channels) resolveWith(channel, false);
    registryEvents = next.events$.subscribe((event) => onCatalogEvent(event, added, removed));
  }

  if (deps.registry) attach(deps.registry);
  // Overrides apply by provider and channel name: resolve every channel again, once per change (an operator action).
  store.changes$.subscribe(() => resolveAgain(counts.keys()));

  return {
    quantityOf: (channel) => resolveWith(channel, false).quantity,
    changes$: merge(store.changes$, suggestions.changes$) as Observable<void>,
    resolve: (channel) => resolveWith(channel, true),
    overrides: (provider) => nullProtoCopy(store.get(provider) ?? {}),
    setOverrides: (provider, overrides) => store.set(provider, overrides),
    deleteOverrides: (provider, channel) => store.delete(provider, channel),
    providersWithOverrides: () => store.providers(),
    attach,
    summary: () => counts.summary(),
    lastQuantities: () => counts.quantities(),
    storeStatus: () => store.status(),
  };
}
