import { type Observable, Subject, merge } from 'rxjs';
import type { ChannelMeta, ChannelRegistry, QuantityResolver } from '../channels/types.js';
import { UNIT_LABELS } from '../protocol/types.js';
import type { ChannelOverride, ProviderOverrides } from './channel-override.js';
import type { MappingStore, MappingStoreStatus } from './mapping-store.js';
import type { Quantity } from './quantities.js';
import { DEFAULT_SUGGEST_OPTIONS, type QuantitySuggestion, suggestQuantity } from './suggest-quantity.js';

// The mapping = the automatic suggestion plus the user's per-provider overrides. It implements the QuantityResolver
// the realtime gateway and the ingest summary use; quantityOf() is called often, so suggestions are cached per
// channel and re-evaluated at most every `reevaluateMs` (values can settle a guess such as MAP vs baro).

export interface ChannelMappingOptions {
  acceptThreshold: number;
  /** How often a cached automatic suggestion is recomputed from newer values. */
  reevaluateMs: number;
  /** Bound on the suggestion cache (channels come from the network). */
  maxCachedChannels: number;
}

export const DEFAULT_CHANNEL_MAPPING_OPTIONS: ChannelMappingOptions = {
  acceptThreshold: DEFAULT_SUGGEST_OPTIONS.acceptThreshold,
  reevaluateMs: 5_000,
  maxCachedChannels: 4_096,
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

export interface MappingSummary {
  mapped: number;
  unmapped: number;
  hidden: number;
}

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
  summary(channels?: readonly ChannelMeta[]): MappingSummary;
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
  let registry: ChannelRegistry | null = deps.registry ?? null;
  const cache = new Map<string, CacheEntry>();
  const suggestionChanges$ = new Subject<void>();
  let notifyPending = false;

  // quantityOf() is called from inside the registry and the gateway; announcing a change synchronously there would
  // re-enter them mid-update, so changes are coalesced and emitted on a microtask.
  function notifyLater(): void {
    if (notifyPending) return;
    notifyPending = true;
    queueMicrotask(() => {
      notifyPending = false;
      suggestionChanges$.next();
    });
  }

  function overrideOf(channel: ChannelMeta): ChannelOverride | null {
    return store.get(channel.providerName)?.[channel.name] ?? null;
  }

  function effectiveUnit(channel: ChannelMeta, override: ChannelOverride | null): number {
    return override?.unit ?? channel.unit;
  }

  function siblingsOf(channel: ChannelMeta): string[] {
    if (!registry) return [];
    return registry
      .catalog()
      .channels.filter((other) => other.providerId === channel.providerId && other.key !== channel.key)
      .map((other) => other.name);
  }

  function computeSuggestion(channel: ChannelMeta, unit: number): QuantitySuggestion {
    const values = registry ? registry.history(channel.key).map((sample) => sample.value) : [];
    return suggestQuantity(
      {
        name: channel.name,
        unit,
        providerName: channel.providerName,
        values,
        min: channel.min,
        max: channel.max,
        siblings: siblingsOf(channel),
      },
      { acceptThreshold: opts.acceptThreshold },
    );
  }

  function suggestionFor(channel: ChannelMeta, unit: number, fresh: boolean): QuantitySuggestion {
    const signature = `${channel.providerName}\u0000${channel.name}\u0000${unit}`;
    const cached = cache.get(channel.key);
    const at = now();
    if (cached && cached.signature === signature && !fresh && at - cached.at < opts.reevaluateMs)
      return cached.suggestion;
    const suggestion = computeSuggestion(channel, unit);
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

  return {
    quantityOf: (channel) => resolveWith(channel, false).quantity,
    changes$: merge(store.changes$, suggestionChanges$) as Observable<void>,
    resolve: (channel) => resolveWith(channel, true),
    overrides: (provider) => ({ ...(store.get(provider) ?? {}) }),
    setOverrides: (provider, overrides) => store.set(provider, overrides),
    deleteOverrides: (provider, channel) => store.delete(provider, channel),
    providersWithOverrides: () => store.providers(),
    attach(next) {
      registry = next;
      cache.clear();
    },
    summary(channels = registry?.catalog().channels ?? []) {
      const summary: MappingSummary = { mapped: 0, unmapped: 0, hidden: 0 };
      for (const channel of channels) {
        const resolved = resolveWith(channel, false);
        if (resolved.hidden) summary.hidden++;
        else if (resolved.quantity === null) summary.unmapped++;
        else summary.mapped++;
      }
      return summary;
    },
    storeStatus: () => store.status(),
  };
}
