// The Socket.IO event maps between jetdrive-hub and its clients. The server types its Server and Socket with them,
// the SDK uses the same maps swapped (socket.io's `Socket<ServerToClient, ClientToServer>`); every ack is part of
// the type. Payload types come from the command schemas (command-schemas.ts).
import type { ClusterView, SourceGap, SourceState } from './cluster.js';
import type {
  AnalysisAddRunsRequest,
  AnalysisDelta,
  AnalysisExportRequest,
  AnalysisGrid,
  AnalysisStartInput,
  AnalysisSummary,
} from './analysis.js';
import type { CleanupRequest, SessionStartInput, SubscribeRequest } from './command-schemas.js';
import type { UnitSystem } from './unit-conversion.js';
import type { DataFrame } from './data-frame.js';
import type { ReplaySeekRequest, ReplayStartRequest, ReplayStatus } from './replay.js';
import type { ProtocolVersion } from './protocol-version.js';
import type {
  RecordingAlert,
  RecordingStatus,
  RecordStartRequest,
  RunDetail,
  RunEndedEvent,
  RunListQuery,
  RunPage,
  RunStartedEvent,
  RunSummary,
  RunUpdateRequest,
} from './runs.js';
import type { CleanupResult, SessionEvent, SessionResults, SessionSnapshot, SessionSummary } from './session-types.js';
import type { Ack, AckError } from './wire-error.js';

/** What names a channel and says what it measures, in streams and in the catalog alike. */
export interface ChannelInfo {
  /** "providerId:channelId". */
  key: string;
  providerId: number;
  providerName: string;
  channelId: number;
  name: string;
  displayName: string;
  unit: string;
  unitCode: number;
  quantity: string | null;
}

/** Metadata of a channel inside one stream; data frames refer to it by `index`. */
export interface StreamChannel extends ChannelInfo {
  index: number;
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
  /**
   * Only for a request with `resume`: true when every sample after the given times follows as `stream:backfill`
   * (nothing missing, nothing twice); false when the gap is no longer held: the channels' `last` values are a fresh start.
   */
  recovered?: boolean;
}

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

export interface CatalogChannel extends ChannelInfo {
  provisional: boolean;
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
  /** `replay`: the hub plays a recording (`--replay`) instead of the simulator or the network. */
  source: 'simulated' | 'live' | 'replay';
  /** The hub's display units (UNIT_SYSTEM / --units); absent from hubs older than this field. */
  units?: UnitSystem;
  limits: { maxSubscriptions: number; maxSelectors: number; maxBackfillSeconds: number; maxHz: number };
  /** The hub's role and the cluster's nodes (absent from hubs older than cluster mode). */
  cluster?: ClusterView;
  /** The data source's state when it is not simply live (an edge without Redis or without its ingest node). */
  sourceState?: SourceState;
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
  'replay:start': (request: ReplayStartRequest, ack: Ack<ReplayStatus>) => void;
  'replay:pause': (id: string, ack: Ack<ReplayStatus>) => void;
  'replay:resume': (id: string, ack: Ack<ReplayStatus>) => void;
  'replay:seek': (request: ReplaySeekRequest, ack: Ack<ReplayStatus>) => void;
  'replay:stop': (id: string, ack: Ack<ReplayStatus>) => void;
  'replay:list': (ack: Ack<ReplayStatus[]>) => void;
  /** The run library as over HTTP (GET /api/runs …); the query is optional. */
  'run:list': (query: RunListQuery | null, ack: Ack<RunPage>) => void;
  'run:get': (id: string, ack: Ack<RunDetail>) => void;
  'run:update': (request: RunUpdateRequest, ack: Ack<RunDetail>) => void;
  'run:delete': (id: string, ack: Ack<{ id: string }>) => void;
  'recording:status': (ack: Ack<RecordingStatus>) => void;
  /** Manual recording (POST /api/runs/record/start); the name is optional. */
  'recording:start': (request: RecordStartRequest | null, ack: Ack<RecordingStatus>) => void;
  'recording:stop': (ack: Ack<RecordingStatus>) => void;
  'analysis:start': (input: AnalysisStartInput, ack: Ack<AnalysisSummary>) => void;
  'analysis:stop': (id: string, ack: Ack<AnalysisSummary>) => void;
  'analysis:reset': (id: string, ack: Ack<AnalysisSummary>) => void;
  'analysis:delete': (id: string, ack: Ack<{ id: string }>) => void;
  'analysis:list': (ack: Ack<AnalysisSummary[]>) => void;
  'analysis:get': (id: string, ack: Ack<AnalysisGrid>) => void;
  /** Joins `analysis:<id>`: the ack carries the whole grid, `analysis:delta` events follow. */
  'analysis:watch': (id: string, ack: Ack<AnalysisGrid>) => void;
  'analysis:unwatch': (id: string, ack: Ack<{ id: string }>) => void;
  /** A table export (CSV text). */
  'analysis:export': (request: AnalysisExportRequest, ack: Ack<{ filename: string; csv: string }>) => void;
  /** Adds runs of the library to an offline analysis (fed after the ones it has). */
  'analysis:add-runs': (request: AnalysisAddRunsRequest, ack: Ack<AnalysisSummary>) => void;
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
  'run:started': (run: RunStartedEvent) => void;
  'run:ended': (ended: RunEndedEvent) => void;
  /** The first page of the run library (newest first) after a run was added, changed or removed. */
  'runs:changed': (runs: RunSummary[]) => void;
  'recording:alert': (alert: RecordingAlert) => void;
  /** The data source went stale or offline, or came back (cluster edges; a standalone hub is always live). */
  'source:state': (state: SourceState) => void;
  /** A cluster edge missed stream entries (it fell further behind than the stream keeps): its viewers missed data. */
  'source:gap': (gap: SourceGap) => void;
  /** A replay's position and state: on every state change, and while playing at most a few times per second. */
  'replay:status': (status: ReplayStatus) => void;
  'analysis:delta': (delta: AnalysisDelta) => void;
  /** The whole grid again, after a reset. */
  'analysis:grid': (grid: AnalysisGrid) => void;
}
