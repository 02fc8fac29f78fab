// The Socket.IO contract between jetdrive-hub and its clients. Types only: the server imports this file with
// `import type`, the SDK uses the same maps swapped (socket.io's `Socket<ServerToClient, ClientToServer>`).
import type {
  CleanupRequest,
  CleanupResult,
  SessionEvent,
  SessionResults,
  SessionSnapshot,
  SessionStartInput,
  SessionSummary,
} from './session-types.js';

/** Bumped on any incompatible change of the event maps or the data frame layout. */
export type ProtocolVersion = 1;

export type RealtimeErrorCode =
  | 'INVALID_PAYLOAD'
  | 'TOO_MANY_SUBSCRIPTIONS'
  | 'TOO_MANY_STREAMS'
  | 'UNKNOWN_SUBSCRIPTION'
  | 'UNAUTHORIZED'
  | 'FORBIDDEN'
  | 'RATE_LIMITED'
  | 'TOO_MANY_CONNECTIONS'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'UNAVAILABLE'
  | 'UNKNOWN_EVENT'
  | 'ACK_REQUIRED'
  | 'INTERNAL';

export interface AckError {
  /** A RealtimeErrorCode, or a session error code (SCREAMING_SNAKE) for session commands. */
  code: RealtimeErrorCode | (string & {});
  message: string;
}

/** Every command answers through its ack with this shape; nothing is thrown over the wire. */
export type Result<T> = { ok: true; data: T } | { ok: false; error: AckError };
export type Ack<T> = (result: Result<T>) => void;

/**
 * How a subscription selects channels. A plain string matches the exact channel name, the display name or
 * "Provider/Channel"; a string with `*` or `?` is a case-insensitive glob over the same three forms.
 */
export type ChannelSelector =
  | string
  | { name: string }
  | { glob: string }
  | { quantity: string }
  | { provider: string | number }
  | { key: string };

export interface SubscribeOptions {
  /** At most this many values per channel per second (latest value of each period). Default: every sample. */
  maxHz?: number;
  /** With maxHz: also send the min/max of each period so plots keep one-sample peaks. */
  envelope?: boolean;
  /** Seconds of recent history (from the channel rings) to send before live data. */
  backfill?: number;
}

export interface SubscribeRequest extends SubscribeOptions {
  selectors: ChannelSelector[];
}

/** Metadata of a channel inside one stream; data frames refer to it by `index`. */
export interface StreamChannel {
  index: number;
  key: string;
  providerId: number;
  providerName: string;
  channelId: number;
  name: string;
  displayName: string;
  unit: string;
  unitCode: number;
  quantity: string | null;
  /** Last known [time, value, providerTs], or null before the first sample. */
  last: [number, number, number] | null;
}

/**
 * A stream is what the server broadcasts: viewers with the same selectors and options share one. Data frames
 * carry the stream id, so several local subscriptions on one socket may share a stream.
 */
export interface StreamDescriptor {
  id: number;
  maxHz: number | null;
  envelope: boolean;
  channels: StreamChannel[];
}

export interface SubscribeResult {
  subscriptionId: string;
  stream: StreamDescriptor;
}

/**
 * Compact data frame: `[streamId, baseTime, basePts, ...records]`. A record is
 * `index, time - baseTime, value, providerTs - basePts` (stride 4), and with `envelope` also `min, max` (stride 6).
 */
export type DataFrame = number[];

/** Channel changes of one stream since the previous message (sent at most once per flush, before any frame using them). */
export interface StreamChannelsChange {
  stream: number;
  /** Channels that now match (new, or renamed into the selection); also used for metadata updates. */
  added: StreamChannel[];
  /**
   * Indices that no longer match. A freed index may be given to a later channel of the same stream, even in the same
   * change: apply `removed` before `added`.
   */
  removed: number[];
}

export interface BackfillFrame {
  subscriptionId: string;
  frame: DataFrame;
  /** True on the last backfill frame of this subscription. */
  done: boolean;
}

export interface CatalogChannel {
  key: string;
  providerId: number;
  providerName: string;
  channelId: number;
  name: string;
  displayName: string;
  unit: string;
  unitCode: number;
  provisional: boolean;
  quantity: string | null;
  lastValue: number | null;
  lastTime: number | null;
  rateHz: number;
}

export interface CatalogProvider {
  hostId: number;
  hostHex: string;
  name: string;
  address: string;
  online: boolean;
  incompatible: boolean;
  channelCount: number;
  /** Frames under this host id from another source address (possible spoofing): how many, from where, when. */
  conflicts?: { count: number; owner: string; lastAddress: string; lastAt: number };
}

export interface CatalogView {
  version: number;
  providers: CatalogProvider[];
  channels: CatalogChannel[];
}

export type CatalogEventView =
  | {
      type: 'provider:online' | 'provider:offline' | 'provider:incompatible' | 'provider:cleared' | 'provider:conflict';
      provider: CatalogProvider;
    }
  | { type: 'channel:added' | 'channel:removed'; channel: CatalogChannel }
  | { type: 'channel:renamed'; channel: CatalogChannel; previousName: string };

export interface Hello {
  protocol: ProtocolVersion;
  serverVersion: string;
  source: 'simulated' | 'live';
  limits: { maxSubscriptions: number; maxSelectors: number; maxBackfillSeconds: number; maxHz: number };
}

export interface LaggingNotice {
  lagging: boolean;
  /** Bytes waiting to be written to this viewer when the state changed. */
  backlogBytes: number;
  limitBytes: number;
}

export type EvictionCode = 'SLOW_VIEWER_STUCK' | 'SLOW_VIEWER_BACKLOG' | 'TOO_MANY_UNKNOWN_EVENTS';

export interface EvictionNotice {
  code: EvictionCode;
  message: string;
}

/** Why a command sent without an ack (or otherwise unanswerable through one) was not carried out. */
export interface CommandRefusal {
  event: string;
  error: AckError;
}

export interface ClientToServerEvents {
  'channel:subscribe': (request: SubscribeRequest, ack: Ack<SubscribeResult>) => void;
  'channel:unsubscribe': (subscriptionId: string, ack: Ack<{ subscriptionId: string }>) => void;
  'catalog:get': (ack: Ack<CatalogView>) => void;
  'session:watch': (id: string, ack: Ack<SessionSnapshot>) => void;
  'session:unwatch': (id: string, ack: Ack<{ id: string }>) => void;
  'session:start': (input: SessionStartInput, ack: Ack<SessionSnapshot>) => void;
  'session:stop': (id: string, ack: Ack<SessionSnapshot>) => void;
  'session:list': (ack: Ack<SessionSummary[]>) => void;
  'session:results': (id: string, ack: Ack<SessionResults>) => void;
  'session:cleanup': (request: CleanupRequest, ack: Ack<CleanupResult>) => void;
}

export interface ServerToClientEvents {
  hello: (hello: Hello) => void;
  'stream:data': (frame: DataFrame) => void;
  'stream:channels': (change: StreamChannelsChange) => void;
  'stream:backfill': (backfill: BackfillFrame) => void;
  'catalog:event': (event: CatalogEventView) => void;
  'viewer:lagging': (notice: LaggingNotice) => void;
  'viewer:evicted': (notice: EvictionNotice) => void;
  'command:refused': (refusal: CommandRefusal) => void;
  'session:event': (event: SessionEvent) => void;
  'sessions:changed': (sessions: SessionSummary[]) => void;
}
