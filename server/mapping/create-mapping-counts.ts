import type { ChannelKey } from '../channels/types.js';
import type { Quantity } from './quantities.js';

// The mapping summary (mapped / unmapped / hidden) kept up to date as each channel is resolved, so /status and
// /metrics read three numbers instead of resolving every channel per request (issue 13: quadratic with a rogue host's
// thousands of channels). The quantity each channel was last resolved to is kept too, for readers that want every
// channel's quantity at once (the status route's dyno choice) without resolving 4,096 channels in one request.

export type MappingState = 'mapped' | 'unmapped' | 'hidden';

export interface MappingSummary {
  mapped: number;
  unmapped: number;
  hidden: number;
}

/** A tracked channel's quantity as last resolved (null: unmapped, hidden, or not resolved yet). */
export interface ResolvedQuantity {
  key: ChannelKey;
  providerId: number;
  quantity: Quantity | null;
}

export interface MappingCounts {
  /** Starts counting a channel of the registry (its state is set by the first record()). */
  track(key: ChannelKey, providerId: number): void;
  /** The channel's latest resolution; ignored for channels not tracked (bounded by the registry's channels). */
  record(key: ChannelKey, state: MappingState, quantity: Quantity | null): void;
  forget(key: ChannelKey): void;
  summary(): MappingSummary;
  /** Tracked channels (to resolve again when overrides change). */
  keys(): IterableIterator<ChannelKey>;
  keysOf(providerId: number): Iterable<ChannelKey>;
  /** Every tracked channel's last quantity, in the order the channels were first tracked. */
  quantities(): Iterable<ResolvedQuantity>;
  clear(): void;
}

interface Tracked {
  providerId: number;
  state: MappingState | null;
  quantity: Quantity | null;
}

export function createMappingCounts(): MappingCounts {
  const tracked = new Map<ChannelKey, Tracked>();
  const byProvider = new Map<number, Set<ChannelKey>>();
  const counts: MappingSummary = { mapped: 0, unmapped: 0, hidden: 0 };

  const setState = (t: Tracked, state: MappingState | null): void => {
    if (t.state !== null) counts[t.state]--;
    t.state = state;
    if (state !== null) counts[state]++;
  };

  return {
    track(key, providerId) {
      if (tracked.has(key)) return;
      tracked.set(key, { providerId, state: null, quantity: null });
      let keys = byProvider.get(providerId);
      if (!keys) {
        keys = new Set();
        byProvider.set(providerId, keys);
      }
      keys.add(key);
    },
    record(key, state, quantity) {
      const t = tracked.get(key);
      if (!t) return;
      if (t.state !== state) setState(t, state);
      t.quantity = quantity;
    },
    forget(key) {
      const t = tracked.get(key);
      if (!t) return;
      setState(t, null);
      tracked.delete(key);
      const keys = byProvider.get(t.providerId);
      keys?.delete(key);
      if (keys?.size === 0) byProvider.delete(t.providerId);
    },
    summary: () => ({ ...counts }),
    keys: () => tracked.keys(),
    keysOf: (providerId) => byProvider.get(providerId) ?? [],
    *quantities() {
      for (const [key, t] of tracked) yield { key, providerId: t.providerId, quantity: t.quantity };
    },
    clear() {
      tracked.clear();
      byProvider.clear();
      counts.mapped = 0;
      counts.unmapped = 0;
      counts.hidden = 0;
    },
  };
}
