import type { ChannelKey } from '../channels/types.js';

// The mapping summary (mapped / unmapped / hidden) kept up to date as each channel is resolved, so /status and
// /metrics read three numbers instead of resolving every channel per request (issue 13: quadratic with a rogue host's
// thousands of channels).

export type MappingState = 'mapped' | 'unmapped' | 'hidden';

export interface MappingSummary {
  mapped: number;
  unmapped: number;
  hidden: number;
}

export interface MappingCounts {
  /** Starts counting a channel of the registry (its state is set by the first record()). */
  track(key: ChannelKey, providerId: number): void;
  /** The channel's latest resolution; ignored for channels not tracked (bounded by the registry's channels). */
  record(key: ChannelKey, state: MappingState): void;
  forget(key: ChannelKey): void;
  summary(): MappingSummary;
  /** Tracked channels (to resolve again when overrides change). */
  keys(): IterableIterator<ChannelKey>;
  keysOf(providerId: number): Iterable<ChannelKey>;
  clear(): void;
}

interface Tracked {
  providerId: number;
  state: MappingState | null;
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
      tracked.set(key, { providerId, state: null });
      let keys = byProvider.get(providerId);
      if (!keys) {
        keys = new Set();
        byProvider.set(providerId, keys);
      }
      keys.add(key);
    },
    record(key, state) {
      const t = tracked.get(key);
      if (t && t.state !== state) setState(t, state);
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
    clear() {
      tracked.clear();
      byProvider.clear();
      counts.mapped = 0;
      counts.unmapped = 0;
      counts.hidden = 0;
    },
  };
}
