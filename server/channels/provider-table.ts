import { hostHex } from '../jetdrive/pick-host-id.js';
import type { ProviderState } from '../jetdrive/types.js';
import type { ChannelEntry } from './channel-entry.js';
import { createMappingTally, type MappingTally } from './create-mapping-tally.js';
import { ProviderColumns } from './provider-columns.js';
import type { HistoryLimits } from './provider-history.js';
import type { ProviderSnapshot, QuantityResolver } from './types.js';

/** One provider as the registry keeps it: the node's state plus its channels by channel id. */
export class ProviderEntry {
  readonly channels = new Map<number, ChannelEntry>();
  /**
   * The entry met at each record position of the last ChannelValues message: providers send their channels in the
   * same order every time, so the hot path checks this before the Map. Cleared with the channels.
   */
  readonly byPosition: ChannelEntry[] = [];
  /** Receive time of the last sample that was not stale (see RegistryOptions.staleResetMs). */
  lastFreshAt = 0;
  readonly tally: MappingTally<ChannelEntry>;
  /** Unmapped channels warned about so far (see MappingLog). */
  warned = 0;
  /** Its channels' live numbers and recent samples, by slot. */
  readonly cols: ProviderColumns;

  constructor(
    readonly state: ProviderState,
    resolver: QuantityResolver,
    shape: ProviderShape,
  ) {
    this.tally = createMappingTally(resolver);
    this.cols = new ProviderColumns(shape.maxChannels, shape.history);
  }

  snapshot(): ProviderSnapshot {
    const s = this.state;
    return {
      hostId: s.hostId,
      hostHex: hostHex(s.hostId),
      name: s.name,
      address: s.address,
      port: s.port,
      online: s.online,
      incompatible: s.incompatible,
      version: s.version,
      channelCount: this.channels.size,
      clock: { synced: s.clock.synced, offsetMs: s.clock.offsetMs, latencyMs: s.clock.latencyMs },
      seq: { ...s.seq },
      firstSeen: s.firstSeen,
      lastSeen: s.lastSeen,
      ...(s.conflicts ? { conflicts: { ...s.conflicts } } : {}),
    };
  }
}

/** How big each provider's columns are. */
export interface ProviderShape {
  maxChannels: number;
  history: HistoryLimits;
}

/** The registry's providers by host id, at most `max` of them (beyond it, `onRefused` counts the refusal). */
export class ProviderTable {
  readonly #providers = new Map<number, ProviderEntry>();
  readonly #max: number;
  readonly #resolver: QuantityResolver;
  readonly #onRefused: () => void;
  readonly #shape: ProviderShape;

  constructor(max: number, shape: ProviderShape, resolver: QuantityResolver, onRefused: () => void) {
    this.#max = max;
    this.#shape = shape;
    this.#resolver = resolver;
    this.#onRefused = onRefused;
  }

  get size(): number {
    return this.#providers.size;
  }

  get(hostId: number): ProviderEntry | undefined {
    return this.#providers.get(hostId);
  }

  /** The provider's entry, created when new; null when the table is full. `onAdded` runs for a new one. */
  ensure(p: ProviderState, onAdded: () => void): ProviderEntry | null {
    const existing = this.#providers.get(p.hostId);
    if (existing) return existing;
    if (this.#providers.size >= this.#max) {
      this.#onRefused();
      return null;
    }
    const pe = new ProviderEntry(p, this.#resolver, this.#shape);
    this.#providers.set(p.hostId, pe);
    onAdded();
    return pe;
  }

  delete(hostId: number): void {
    this.#providers.delete(hostId);
  }

  values(): IterableIterator<ProviderEntry> {
    return this.#providers.values();
  }

  snapshots(): ProviderSnapshot[] {
    return [...this.#providers.values()].map((pe) => pe.snapshot());
  }
}
