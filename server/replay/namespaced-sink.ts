import type { JetDriveSink, ProviderChange, ProviderState } from '../jetdrive/types.js';
import type { ChannelValuesBatch } from '../protocol/channel-values-batch.js';
import type { ChannelInfoRecord } from '../protocol/types.js';

/** The registry key of a replayed provider: the replay's slot above the 16-bit JetDrive host id. */
export function namespacedHostId(slot: number, hostId: number): number {
  return slot * 0x1_0000 + hostId;
}

/**
 * A replayed provider as the registry sees it: the replay node's own state, read through, under a namespaced host
 * id and a prefixed name. The node keeps mutating its state (name from ChannelInfo, online, sequence counters), so
 * this reads it on every access instead of copying it.
 */
class NamespacedProvider implements ProviderState {
  readonly hostId: number;
  #innerName = '';
  #name = '';

  constructor(
    readonly inner: ProviderState,
    slot: number,
    readonly prefix: string,
  ) {
    this.hostId = namespacedHostId(slot, inner.hostId);
  }

  get name(): string {
    // Cached: the registry compares names on every ChannelInfo.
    if (this.#innerName !== this.inner.name) {
      this.#innerName = this.inner.name;
      this.#name = `${this.prefix}${this.inner.name}`;
    }
    return this.#name;
  }
  get address() {
    return this.inner.address;
  }
  get port() {
    return this.inner.port;
  }
  get online() {
    return this.inner.online;
  }
  get incompatible() {
    return this.inner.incompatible;
  }
  get version() {
    return this.inner.version;
  }
  get seq() {
    return this.inner.seq;
  }
  get clock() {
    return this.inner.clock;
  }
  get firstSeen() {
    return this.inner.firstSeen;
  }
  get lastSeen() {
    return this.inner.lastSeen;
  }
  get valueMessages() {
    return this.inner.valueMessages;
  }
  get conflicts() {
    return this.inner.conflicts;
  }
}

export interface NamespacedSink extends JetDriveSink {
  /** The namespaced view of each provider the node told about. */
  providers(): readonly (ProviderState & { readonly inner: ProviderState })[];
  /** Tells the registry to forget every provider of this replay (its channels go with them). */
  removeAll(): void;
}

/**
 * The replay node's sink: forwards to the shared registry's sink with every provider under the replay's namespace
 * (host id `(slot << 16) | host`, name `replay:<run>/<provider>`), so a replayed simulator and the live one — same
 * JetDrive host id — are two providers, and viewers pick either with the usual selectors.
 */
export function createNamespacedSink(target: JetDriveSink, slot: number, prefix: string): NamespacedSink {
  const views = new Map<ProviderState, NamespacedProvider>();
  const view = (p: ProviderState): NamespacedProvider => {
    let v = views.get(p);
    if (!v) {
      v = new NamespacedProvider(p, slot, prefix);
      views.set(p, v);
    }
    return v;
  };
  return {
    providerChanged(p: ProviderState, change: ProviderChange) {
      target.providerChanged(view(p), change);
      if (change === 'removed') views.delete(p);
    },
    channelInfo: (p: ProviderState, records: readonly ChannelInfoRecord[]) => target.channelInfo(view(p), records),
    channelsCleared: (p: ProviderState) => target.channelsCleared(view(p)),
    channelValues: (p: ProviderState, receivedAt: number, values: ChannelValuesBatch) =>
      target.channelValues(view(p), receivedAt, values),
    providers: () => [...views.values()],
    removeAll() {
      for (const v of views.values()) target.providerChanged(v, 'removed');
      views.clear();
    },
  };
}
