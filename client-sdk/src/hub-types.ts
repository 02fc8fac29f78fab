import type { Observable } from 'rxjs';
import type { ReplayApi } from './create-replay-api.js';
import type { RunCommandsApi } from './create-run-commands-api.js';
import type { RunAnalysisApi } from './create-run-analysis-api.js';
import type { RunsApi } from './create-runs-api.js';
import type { AnalysisApi } from './create-analysis-api.js';
import type { SessionsApi } from './create-sessions-api.js';
import type { ConnectionFailure } from './hub-error.js';
import type {
  CatalogChannel,
  CatalogProvider,
  CatalogView,
  ChannelSelector,
  Hello,
  SourceGap,
  SourceState,
  SubscribeOptions,
} from '@jetdrive-hub/client/contract';

/** One channel value as an application sees it. */
export interface HubSample {
  /** Display name (the channel name, or "Provider/Channel" when two providers share a name). */
  channel: string;
  key: string;
  providerId: number;
  channelId: number;
  name: string;
  /** The wire unit's label (SI, as JetDrive sends it); `displayConversion(unitCode, system, quantity)` converts. */
  unit: string;
  /** The JetDrive unit byte. */
  unitCode: number;
  quantity: string | null;
  value: number;
  /** Epoch ms (provider clock synced to the hub's clock when possible). */
  time: number;
  /** Raw provider clock, ms. */
  providerTs: number;
  /** Period minimum and maximum, only with `envelope: true`. */
  min?: number;
  max?: number;
}

export interface HubBatch {
  /** Local receive time, epoch ms. */
  receivedAt: number;
  /** 'last' = values known when the subscription started, 'backfill' = history, 'live' = new data. */
  kind: 'last' | 'backfill' | 'live';
  samples: HubSample[];
}

/** How one subscription came back after a reconnect. */
export interface ResumeOutcome {
  selectors: ChannelSelector[];
  /**
   * true: every sample missed while disconnected follows (kind 'backfill'), none twice. false: the hub no longer
   * held the whole gap: the subscription starts afresh from the last values (kind 'last').
   */
  recovered: boolean;
}

export type ConnectionState =
  | { state: 'connecting'; attempt: number }
  | { state: 'connected'; hello: Hello | null }
  /**
   * Connected, but the hub's data source is not live (a cluster edge that lost Redis: `stale`, or whose ingest node is
   * silent: `offline`). Subscriptions stay; data goes on when the source is live again ('connected').
   */
  | { state: 'stale'; hello: Hello | null; source: SourceState }
  /**
   * `failure` says why a connection failed before it joined (unreachable, host not found, TLS, wrong parser,
   * unauthorized…), with a hint; a disconnect after joining has only the `reason`.
   */
  | { state: 'disconnected'; reason: string; willReconnect: boolean; failure?: ConnectionFailure };

export interface HubLogger {
  debug(message: string, ...details: unknown[]): void;
  warn(message: string, ...details: unknown[]): void;
}

export type WireParser = 'json' | 'msgpack';

export interface HubOptions {
  /** Must match the hub's parser (default 'json'). */
  parser?: WireParser;
  /** Reconnect backoff: first delay and cap, ms (default 500 / 8000), with ±50 % jitter. */
  reconnectDelayMs?: number;
  reconnectDelayMaxMs?: number;
  /** Timeout of one command round trip, ms (default 10000). */
  requestTimeoutMs?: number;
  /** Socket.IO transports (default websocket only; add 'polling' for proxies that block upgrades). */
  transports?: ('websocket' | 'polling')[];
  /** Channel debugging: names on first data and every 100 batches, unmapped warnings, mapping summaries. */
  debug?: boolean;
  /** The app's own channel config (names it knows); channels outside it are reported as unmapped. */
  channelConfig?: Iterable<string> | Record<string, unknown>;
  logger?: HubLogger;
  /** Sent as the Socket.IO auth token (operator commands). */
  token?: string;
}

export interface Hub {
  /** One emission per sample (or per period with maxHz). */
  channel$(selector: ChannelSelector, options?: SubscribeOptions): Observable<HubSample>;
  /** One emission per received frame, with every selected channel's samples in it. */
  samples$(selectors: readonly ChannelSelector[], options?: SubscribeOptions): Observable<HubBatch>;
  readonly catalog$: Observable<CatalogView>;
  readonly channels$: Observable<CatalogChannel[]>;
  readonly providers$: Observable<CatalogProvider[]>;
  readonly connection$: Observable<ConnectionState>;
  /**
   * Resolves with the hub's hello once connected; rejects with a HubError whose code is a ConnectionFailureCode at the
   * first failure (unreachable, unauthorized, …), or 'CLOSED' when the client is closed first.
   */
  whenConnected(): Promise<Hello | null>;
  /**
   * After each reconnect, per subscription: `recovered: true` when the hub replayed every sample missed meanwhile
   * (from its rings, on the same or another node of a cluster; kind 'backfill', none twice), `false` when it no
   * longer held the gap and the subscription started afresh from the last values.
   */
  readonly resumed$: Observable<ResumeOutcome>;
  /** True while the hub conflates this viewer's data because it reads too slowly. */
  readonly lagging$: Observable<boolean>;
  /**
   * A cluster edge fell further behind the ingest node's stream than the stream keeps: the entries it never read
   * (samples lost to every viewer of that edge). Never emits on a standalone hub.
   */
  readonly gaps$: Observable<SourceGap>;
  readonly sessions: SessionsApi;
  /**
   * Recorded runs: the library, the recording indicator (HTTP with `token`, events over the socket; the library's
   * commands over the socket too as `runs.socket`), replay control, and run analysis (curves, compare, exports, CSV
   * import).
   */
  readonly runs: RunsApi & ReplayApi & RunAnalysisApi & { readonly socket: RunCommandsApi };
  /** Live VE analyses: start/stop/reset, the grid and its updates (grid$), exports. */
  readonly analysis: AnalysisApi;
  /** Resolves with the catalog (asks the hub once). */
  catalog(): Promise<CatalogView>;
  close(): void;
}
