import type { ChannelValuesBatch } from '../protocol/channel-values-batch.js';
import type { ChannelInfoRecord } from '../protocol/types.js';
import type { ClockSync } from './clock-sync.js';
import type { ProviderConflicts } from './create-source-guard.js';

// The jetdrive/ layer's own shapes. The channel layer (server/channels/) depends on these, never the reverse.

export interface SequenceCounters {
  received: number;
  dropped: number;
  outOfOrder: number;
  first: number;
  duplicates: number;
}

/** Counters the node keeps while decoding and filtering; the registry folds them into IngestStats. */
export interface NodeCounters {
  datagrams: number;
  bytes: number;
  malformed: Record<string, number>;
  unknownKeys: number;
  trailingBytes: number;
  partialRecords: number;
  ignored: { ownMessages: number; fromAllHosts: number; notForUs: number; incompatible: number };
  /** Drops by bounded buffer name. */
  drops: Record<string, number>;
  /** Host id collisions detected (a message carrying our id as host and destination). */
  collisions: number;
  /** Collisions that did not change our id because it changed less than hostIdChangeMinIntervalMs ago. */
  collisionsSuppressed: number;
  /** Providers forgotten to make room for a new host (provider table full). */
  evictions: number;
  /** Pings left unanswered by the Pong limiter, by reason (perHost, total, oversizeEcho, claim). */
  pongsSuppressed: Record<string, number>;
  /** Frames whose source address disagreed with their host id's, by action (flagged, dropped). */
  conflicts: Record<string, number>;
  /** Messages we sent, by type name. */
  sent: Record<string, number>;
}

/** One remote node, keyed by host id. Owned and mutated by the node; read by the registry. */
export interface ProviderState {
  readonly hostId: number;
  /** From ChannelInfo; "Provider 0x43FD" until then. */
  name: string;
  address: string;
  port: number;
  online: boolean;
  incompatible: boolean;
  version: number | null;
  readonly seq: Readonly<SequenceCounters>;
  readonly clock: ClockSync;
  firstSeen: number;
  lastSeen: number;
  /** ChannelValues messages received (for the periodic debug log). */
  valueMessages: number;
  /** Frames under this host id from another source address (spoofing); absent until the first one. */
  conflicts?: ProviderConflicts;
}

/**
 * `updated`: status only (clock synced, protocol version learned); no event, but the catalog shows it.
 * `conflict`: frames under its host id came from another source address (see provider.conflicts).
 */
export type ProviderChange = 'added' | 'online' | 'offline' | 'incompatible' | 'removed' | 'updated' | 'conflict';

/** Where the node delivers what it learned. The channel registry implements it. */
export interface JetDriveSink {
  providerChanged(provider: ProviderState, change: ProviderChange): void;
  channelInfo(provider: ProviderState, records: readonly ChannelInfoRecord[]): void;
  channelsCleared(provider: ProviderState): void;
  /**
   * One ChannelValues message's records, decoded by the protocol into columns (decodeChannelValuesInto; the node
   * reuses the batch for the next datagram, so read it during the call). Returns true when some channel id had no
   * ChannelInfo yet (the node then asks the host for it).
   */
  channelValues(provider: ProviderState, receivedAt: number, values: ChannelValuesBatch): boolean;
}
