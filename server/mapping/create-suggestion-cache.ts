import { type Observable, Subject } from 'rxjs';
import type { ChannelMeta, ChannelRegistry } from '../channels/types.js';
import type { SiblingIndex } from './create-sibling-index.js';
import { type QuantitySuggestion, suggestQuantity } from './suggest-quantity.js';

// Automatic suggestions, cached per channel and recomputed at most every `reevaluateMs` (values can settle a guess
// such as MAP vs baro); a cached guess that changes is announced, coalesced and paced.
// Refreshing a guess that is merely old is rationed (`staleRefreshes` per `staleWindowMs`): a caller that reads every
// channel (the status route's dyno choice, a rebuild) would otherwise recompute all 4,096 at once when they age
// together, ~30 ms in one task. An old guess over the ration is served as it is and refreshed on a later read.

export interface SuggestionCacheOptions {
  acceptThreshold: number;
  reevaluateMs: number;
  maxCachedChannels: number;
  suggestionNoticeIntervalMs: number;
  /** Old (not changed) suggestions recomputed per window at most; the rest wait for a later read. */
  staleRefreshes: number;
  staleWindowMs: number;
}

export interface SuggestionCache {
  /** The channel's suggestion for `unit`; `fresh` recomputes it even when the cached one is recent. */
  suggestionFor(channel: ChannelMeta, unit: number, fresh: boolean): QuantitySuggestion;
  delete(key: string): void;
  clear(): void;
  /** A cached suggestion changed its quantity (paced by suggestionNoticeIntervalMs). */
  readonly changes$: Observable<void>;
}

interface CacheEntry {
  signature: string;
  at: number;
  suggestion: QuantitySuggestion;
}

export function createSuggestionCache(
  opts: SuggestionCacheOptions,
  registry: () => ChannelRegistry | null,
  siblings: SiblingIndex,
  now: () => number,
): SuggestionCache {
  const cache = new Map<string, CacheEntry>();
  const changes$ = new Subject<void>();
  let notifyPending = false;
  let notifiedAt = Number.NEGATIVE_INFINITY;
  const ration = { windowAt: Number.NEGATIVE_INFINITY, used: 0 };

  /** Whether an old suggestion may be recomputed now (see the ration above). */
  function mayRefresh(at: number): boolean {
    if (at - ration.windowAt >= opts.staleWindowMs) {
      ration.windowAt = at;
      ration.used = 0;
    }
    return ration.used++ < opts.staleRefreshes;
  }

  // quantityOf() is called from inside the registry and the gateway; announcing a change synchronously there would
  // re-enter them mid-update, so changes are coalesced and emitted on a microtask, or later when one went out less
  // than suggestionNoticeIntervalMs ago.
  function notifyLater(): void {
    if (notifyPending) return;
    notifyPending = true;
    const notify = (): void => {
      notifyPending = false;
      notifiedAt = now();
      changes$.next();
    };
    const wait = notifiedAt + opts.suggestionNoticeIntervalMs - now();
    if (wait <= 0) queueMicrotask(notify);
    else setTimeout(notify, wait).unref();
  }

  function computeSuggestion(channel: ChannelMeta, unit: number, humiditySibling: boolean): QuantitySuggestion {
    const source = registry();
    const values = source ? source.history(channel.key).map((sample) => sample.value) : [];
    const { name, providerName, min, max } = channel;
    return suggestQuantity(
      { name, unit, providerName, values, min, max, humiditySibling },
      { acceptThreshold: opts.acceptThreshold },
    );
  }

  function suggestionFor(channel: ChannelMeta, unit: number, fresh: boolean): QuantitySuggestion {
    const humiditySibling = siblings.humiditySibling(channel.providerId, channel.name);
    const signature = `${channel.providerName}\u0000${channel.name}\u0000${unit}\u0000${humiditySibling}`;
    const cached = cache.get(channel.key);
    const at = now();
    if (cached && cached.signature === signature && !fresh && (at - cached.at < opts.reevaluateMs || !mayRefresh(at)))
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

  return {
    suggestionFor,
    delete: (key) => void cache.delete(key),
    clear: () => cache.clear(),
    changes$: changes$.asObservable(),
  };
}
