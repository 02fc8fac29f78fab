import type { Observable } from 'rxjs';

// The consumer-facing contract of the channel layer (server/channels/). realtime/, http/ and sessions/ code
// against these types only.

/** `${providerId}:${channelId}` — a channel's identity (provider host id, channel id). */
export type ChannelKey = string;

export interface Sample {
  /** Same string instance as ChannelMeta.key (no per-sample allocation). */
  key: ChannelKey;
  providerId: number;
  channelId: number;
  value: number;
  /** Epoch ms: clock-synced provider time once a Pong arrived, local receive time before. */
  time: number;
  /** Raw provider clock (u32 ms). */
  providerTs: number;
}

/**
 * One emission per ChannelValues datagram, as columns: sample i is (keys[i], channelIds[i], times[i], values[i],
 * providerTs[i]) for i < count. The columns are the registry's reused buffers (longer than count): read them during
 * the emission and copy what you keep (sampleAt / toSamples build Sample objects for consumers that want them).
 */
export interface SampleBatch {
  providerId: number;
  receivedAt: number;
  count: number;
  /** Same string instances as ChannelMeta.key. */
  readonly keys: ChannelKey[];
  readonly channelIds: Uint16Array;
  /** Epoch ms (see Sample.time). */
  readonly times: Float64Array;
  readonly values: Float32Array;
  /** Raw provider clock (u32 ms). */
  readonly providerTs: Uint32Array;
}

export interface ChannelMeta {
  key: ChannelKey;
  providerId: number;
  providerName: string;
  channelId: number;
  /** Channel name from ChannelInfo, or "Channel <id>" while provisional. */
  name: string;
  /** name, or "<provider name>/<channel name>" when two providers use the same name. */
  displayName: string;
  /** JetDrive unit byte (255 = none). */
  unit: number;
  unitLabel: string;
  vendor: number;
  /** True until ChannelInfo names the channel. */
  provisional: boolean;
  firstSeen: number;
  lastSeen: number | null;
  lastValue: number | null;
  lastTime: number | null;
  /** Samples per second over the recent ring. */
  rateHz: number;
  min: number | null;
  max: number | null;
  sampleCount: number;
}

export interface SequenceCounters {
  received: number;
  dropped: number;
  outOfOrder: number;
  first: number;
  duplicates: number;
}

export interface ProviderSnapshot {
  hostId: number;
  /** "0x43FD" */
  hostHex: string;
  name: string;
  address: string;
  port: number;
  online: boolean;
  incompatible: boolean;
  /** Ping/Pong version seen, null before any Pong. */
  version: number | null;
  channelCount: number;
  clock: { synced: boolean; offsetMs: number | null; latencyMs: number | null };
  seq: SequenceCounters;
  firstSeen: number;
  lastSeen: number;
  /** Frames under this host id from another source address (possible spoofing); absent when none. */
  conflicts?: { count: number; owner: string; lastAddress: string; lastAt: number };
}

export interface CatalogSnapshot {
  /** Increments on every change. */
  version: number;
  providers: ProviderSnapshot[];
  channels: ChannelMeta[];
}

export type CatalogEvent =
  | { type: 'provider:online'; provider: ProviderSnapshot }
  | { type: 'provider:offline'; provider: ProviderSnapshot }
  | { type: 'provider:incompatible'; provider: ProviderSnapshot }
  | { type: 'provider:cleared'; provider: ProviderSnapshot }
  /** Frames under the provider's host id came from another source address (provider.conflicts says which). */
  | { type: 'provider:conflict'; provider: ProviderSnapshot }
  | { type: 'channel:added'; channel: ChannelMeta }
  | { type: 'channel:renamed'; channel: ChannelMeta; previousName: string }
  | { type: 'channel:removed'; channel: ChannelMeta };

/** A selector for channel$(): exact name, display name, "Provider/Channel", a glob, or a predicate. */
export type ChannelSelector = string | ((channel: ChannelMeta) => boolean);

export interface IngestStats {
  datagrams: number;
  bytes: number;
  malformed: Record<string, number>;
  unknownKeys: number;
  trailingBytes: number;
  partialRecords: number;
  ignored: { ownMessages: number; fromAllHosts: number; notForUs: number; incompatible: number };
  samples: number;
  /** Providers forgotten to make room for a new host (provider table full). */
  evictions: number;
  /** Pings left unanswered, by reason (perHost, total, oversizeEcho, claim). */
  pongsSuppressed: Record<string, number>;
  /** Frames whose source address disagreed with their host id's, by action (flagged, dropped). */
  conflicts: Record<string, number>;
  /** Collisions on our host id that did not change it (changed too recently). */
  collisionsSuppressed: number;
  /** Samples dropped because they were older than their channel's newest by more than the stale window. */
  staleSamples: number;
  /** Drops by bounded buffer name (e.g. provider table full, channel table full). */
  drops: Record<string, number>;
  providers: Record<string, SequenceCounters>;
}

export interface ChannelRegistry {
  /** Current catalog, replayed to new subscribers; emits after every change. */
  readonly catalog$: Observable<CatalogSnapshot>;
  /** Hot stream of sample batches (one per datagram). */
  readonly samples$: Observable<SampleBatch>;
  readonly events$: Observable<CatalogEvent>;
  /** Shared, refcounted per selector; replays the last value of each matched channel to a new subscriber. */
  channel$(selector: ChannelSelector): Observable<Sample>;
  /** Every channel's snapshot: O(channels); prefer providers() / channelCount() where they are enough. */
  catalog(): CatalogSnapshot;
  /**
   * Every channel's names and identity, without copies or rates (its live fields are not current): for code that
   * re-reads the channel set often, e.g. on each catalog change, where catalog()'s snapshots cost O(channels) objects.
   */
  forEachChannel(visit: (meta: Readonly<ChannelMeta>) => void): void;
  /** The catalog's providers, without building a snapshot of every channel. */
  providers(): ProviderSnapshot[];
  channelCount(): number;
  getChannel(key: ChannelKey): ChannelMeta | undefined;
  /** Recent samples of one channel from its ring (oldest first), optionally only those with time >= sinceMs. */
  history(key: ChannelKey, sinceMs?: number): readonly Sample[];
  stats(): IngestStats;
}

/** Maps channels to the fixed quantity vocabulary (rpm, afr_front, map, …); implemented by server/mapping/. */
export interface QuantityResolver {
  /** The channel's quantity after overrides, or null when unmapped (or hidden). */
  quantityOf(channel: ChannelMeta): string | null;
  /** Emits whenever overrides change, so subscriptions by quantity can be re-evaluated. */
  readonly changes$: Observable<void>;
}
