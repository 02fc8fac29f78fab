import { type Observable, Subject, type Subscription, merge } from 'rxjs';
import type { CatalogEvent, ChannelMeta, ChannelRegistry, QuantityResolver } from '../channels/types.js';
import { UNIT_LABELS } from '../protocol/types.js';
import type { ChannelOverride, ProviderOverrides } from './channel-override.js';
import { createMappingCounts, type MappingState, type MappingSummary } from './create-mapping-counts.js';
import { createSiblingIndex } from './create-sibling-index.js';
import { nullProtoCopy } from './null-proto-record.js';
import type { MappingStore, MappingStoreStatus } from './mapping-store.js';
import type { Quantity } from './quantities.js';
import { DEFAULT_SUGGEST_OPTIONS, type QuantitySuggestion, suggestQuantity } from './suggest-quantity.js';

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
}

export const DEFAULT_CHANNEL_MAPPING_OPTIONS: ChannelMappingOptions = {
  acceptThreshold: DEFAULT_SUGGEST_OPTIONS.acceptThreshold,
  reevaluateMs: 5_000,
  maxCachedChannels: 4_096,
  suggestionNoticeIntervalMs: 250,
};

export type MappingSource = 'auto' | 'override' | 'hidden';

export interface ResolvedChannel {
  key: string;
  providerName: string;
  channelName: string;
  displayName: string;
  /** Effective JetDrive unit byte (the override's, else ChannelInfo's). */
  unit: number;
  unitLabel: string;
  quantity: Quantity | null;
  source: MappingSource;
  hidden: boolean;
  suggestion: QuantitySuggestion;
  override: ChannelOverride | null;
}

export type { MappingSummary } from './create-mapping-counts.js';

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
  storeStatus(): MappingStoreStatus;
}

export interface ChannelMappingDeps {
  /** Optional here; see attach(). Without a registry, suggestions use names and units only. */
  registry?: ChannelRegistry;
  store: MappingStore;
  options?: Partial<ChannelMappingOptions>;
  now?: () => number;
}

interface CacheEntry {
  signature: string;
  at: number;
  suggestion: QuantitySuggestion;
}

export function createChannelMapping(deps: ChannelMappingDeps): ChannelMapping {
  const opts = { ...DEFAULT_CHANNEL_MAPPING_OPTIONS, ...deps.options };
  const now = deps.now ?? Date.now;
  const { store } = deps;
  let registry: ChannelRegistry | null = null;
  let registryEvents: Subscription | null = null;
  const cache = new Map<string, CacheEntry>();
  const counts = createMappingCounts();
  const siblings = createSiblingIndex();
  const suggestionChanges$ = new Subject<void>();
  let notifyPending = false;
  let notifiedAt = Number.NEGATIVE_INFINITY;

  // quantityOf() is called from inside the registry and the gateway; announcing a change synchronously there would
  // re-enter them mid-update, so changes are coalesced and emitted on a microtask, or later when one went out less
  // than suggestionNoticeIntervalMs ago.
  function notifyLater(): void {
    if (notifyPending) return;
    notifyPending = true;
    const notify = (): void => {
      notifyPending = false;
      notifiedAt = now();
      suggestionChanges$.next();
    };
    const wait = notifiedAt + opts.suggestionNoticeIntervalMs - now();
    if (wait <= 0) queueMicrotask(notify);
    else setTimeout(notify, wait).unref();
  }

  function overrideOf(channel: ChannelMeta): ChannelOverride | null {
    const overrides = store.get(channel.providerName);
    return overrides && Object.hasOwn(overrides, channel.name) ? overrides[channel.name] : null;
  }

  function effectiveUnit(channel: ChannelMeta, override: ChannelOverride | null): number {
    return override?.unit ?? channel.unit;
  }

  function computeSuggestion(channel: ChannelMeta, unit: number, humiditySibling: boolean): QuantitySuggestion {
    const values = registry ? registry.history(channel.key).map((sample) => sample.value) : [];
    return suggestQuantity(
      {
        name: channel.name,
        unit,
        providerName: channel.providerName,
        values,
        min: channel.min,
        max: channel.max,
        humiditySibling,
      },
      { acceptThreshold: opts.acceptThreshold },
    );
  }

  function suggestionFor(channel: ChannelMeta, unit: number, fresh: boolean): QuantitySuggestion {
    const humiditySibling = siblings.humiditySibling(channel.providerId, channel.name);
    const signature = `${channel.providerName}\u0000${channel.name}\u0000${unit}\u0000${humiditySibling}`;
    const cached = cache.get(channel.key);
    const at = now();
    if (cached && cached.signature === signature && !fresh && at - cached.at < opts.reevaluateMs)
      return cached.suggestion;
    const suggestion = computeSuggestion(channel, unit, humiditySibling);
    if (!cached && cache.size >= opts.maxCachedChannels) {
      // Rare (the registry bounds its channels); dropping the oldest entry only costs a recomputation.
      const oldest = cache.keys().next().value;
      if (oldest !== undefined) cache.delete(oldest);
    }
    cache.set(channel.key, { signature, at, suggestion });
    if (cached && cached.signature === signature && cached.suggestion.quantity !== suggestion.quantity) notifyLater();
    return suggestion;
  }

  function resolveWith(channel: ChannelMeta, fresh: boolean): ResolvedChannel {
    const override = overrideOf(channel);
    const unit = effectiveUnit(channel, override);
    const suggestion = suggestionFor(channel, unit, fresh);
    const hidden = override?.hidden === true;
    let quantity: Quantity | null;
    let source: MappingSource;
    if (hidden) {
      quantity = null;
      source = 'hidden';
    } else if (override && override.quantity !== undefined) {
      quantity = override.quantity;
      source = 'override';
    } else {
      quantity = suggestion.quantity;
      source = 'auto';
    }
    const state: MappingState = hidden ? 'hidden' : quantity === null ? 'unmapped' : 'mapped';
    counts.record(channel.key, state);
    return {
      key: channel.key,
      providerName: channel.providerName,
      channelName: channel.name,
      displayName: override?.display_name ?? channel.displayName,
      unit,
      unitLabel: UNIT_LABELS[unit] ?? '',
      quantity,
      source,
      hidden,
      suggestion,
      override,
    };
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
    cache.delete(channel.key);
    if (siblings.remove(channel.providerId, channel.name)) resolveAgain(counts.keysOf(channel.providerId));
  }

  function onCatalogEvent(event: CatalogEvent): void {
    if (event.type === 'channel:added') added(event.channel);
    else if (event.type === 'channel:removed') removed(event.channel);
    else if (event.type === 'channel:renamed') {
      removed({ ...event.channel, name: event.previousName });
      added(event.channel);
    }
  }

  function attach(next: ChannelRegistry): void {
    registryEvents?.unsubscribe();
    registry = next;
    cache.clear();
    counts.clear();
    siblings.clear();
    // One snapshot at attach time; from then on the registry's events keep the indexes current.
    const channels = next.catalog().channels;
    for (const channel of channels) {
      counts.track(channel.key, channel.providerId);
      siblings.add(channel.providerId, channel.name);
    }
    for (const channel of channels) resolveWith(channel, false);
    registryEvents = next.events$.subscribe(onCatalogEvent);
  }

  if (deps.registry) attach(deps.registry);
  // Overrides apply by provider and channel name: resolve every channel again, once per change (an operator action).
  store.changes$.subscribe(() => resolveAgain(counts.keys()));

  return {
    quantityOf: (channel) => resolveWith(channel, false).quantity,
    changes$: merge(store.changes$, suggestionChanges$) as Observable<void>,
    resolve: (channel) => resolveWith(channel, true),
    overrides: (provider) => nullProtoCopy(store.get(provider) ?? {}),
    setOverrides: (provider, overrides) => store.set(provider, overrides),
    deleteOverrides: (provider, channel) => store.delete(provider, channel),
    providersWithOverrides: () => store.providers(),
    attach,
    summary: () => counts.summary(),
    storeStatus: () => store.status(),
  };
}
