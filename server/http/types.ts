import type { ClusterView } from '@jetdrive-hub/client/contract';
import type Router from '@koa/router';
import type { Middleware } from 'koa';
import type { AuthPolicy, AuthStats } from '../auth/create-auth-policy.js';
import type { SocketGuardStats } from '../auth/create-socket-guard.js';
import type { ChannelRegistry, IngestStats, ProviderSnapshot } from '../channels/types.js';
import type { ClusterNodeStats } from '../cluster/index.js';
import type { ChannelMapping } from '../mapping/channel-mapping.js';
import type { RateLimiter, RateLimiterStats } from '../shared/create-rate-limiter.js';
import type { JoinResult } from '../transport/types.js';
import type { HttpOptions } from './http-options.js';
import type { SimulatorControl } from './simulator-control.js';

// What the HTTP layer needs from the rest of the hub. main.ts adapts the ingest, gateway and sessions to these.

export type DataSource = 'simulated' | 'live' | 'replay';

export interface IngestStatus {
  source: DataSource;
  /** True once the UDP socket is bound (or a replay is open): /ready answers 200 from then on. */
  bound: boolean;
  /** Our JetDrive host id, or null while passive (listening only, never transmitting). */
  hostId: number | null;
  passive: boolean;
  port: number | null;
  groups: readonly string[];
  /** One entry per (group, interface) join attempt, failures included. */
  joins: readonly JoinResult[];
  /** Epoch ms of the last datagram received, null before any. */
  lastDatagramAt: number | null;
  /** Frames whose source address disagrees with their host id's: `drop` or only `flag` them (absent: no node). */
  sourcePolicy?: string;
  /** Our host id changes after collisions (rate-limited; the suppressed ones are in the ingest stats). */
  hostIdChanges?: number;
  pongsAnswered?: number;
  /** Cluster mode: this node's role and the nodes it knows (absent on a standalone hub). */
  cluster?: ClusterView;
  /** Cluster mode: the Redis state and what was published, read, relayed and dropped (each drop counted). */
  clusterCounters?: ClusterNodeStats;
}

export type IngestStatusSource = () => IngestStatus;

/** This hub's simulated dyno, another hub's (same JetDrive port), or a real provider (null). */
export type SimulatorOriginOf = (
  provider: ProviderSnapshot,
  all: readonly ProviderSnapshot[],
) => 'this_hub' | 'another_hub' | null;

export interface GatewayStats {
  viewers: number;
  subscriptions: number;
  conflatedFrames: number;
  droppedFrames: number;
  laggingViewers: number;
  disconnectedSlow: number;
  /** Subscriptions refused, by the cap that refused them (subscriptions, streams, socketStreams, addressStreams). */
  refusedSubscriptions?: Record<string, number>;
  /** Events refused before any handler: not in the contract, without an ack, or with extra arguments. */
  refusedPackets?: Record<string, number>;
  /** Engine.IO sessions closed for not joining within the connect timeout. */
  unjoinedSessionsClosed?: number;
}

export interface SessionStats {
  byStatus: Record<string, number>;
}

/** Run capture and library counters (issue 16). */
export interface RunsStats {
  recording: boolean;
  suspended: boolean;
  runsRecorded: number;
  recovered: number;
  libraryRuns: number;
  libraryBytes: number;
  removedByRetention: number;
  /** Datagrams not recorded, by buffer (ring, queue, sources). */
  dropped: Record<string, number>;
  /** Write errors that suspended recording, by OS code. */
  writeErrors: Record<string, number>;
  ringBytes: number;
  ringMemoryBytes: number;
  /** Unfinished journals whose recovery was refused (not a journal this hub reads). */
  journalsRefused?: number;
  /** Run analysis (issue 17): the decoded series kept, and the cache's lookups and evictions. */
  analysisCache?: { seriesBytes: number; hits: number; misses: number; evicted: number };
}

/** The live analyses: how many by status, starts refused at the bound, and their samples by filter outcome. */
export interface AnalysisStats {
  byStatus: Record<string, number>;
  refused: number;
  samples: Record<string, number>;
}

export interface MetricsSources {
  runs?: () => RunsStats;
  ingest?: () => IngestStats;
  gateway?: () => GatewayStats;
  sessions?: () => SessionStats;
  analyses?: () => AnalysisStats;
  /** Defaults to the app's own policy and limiter. */
  auth?: () => AuthStats;
  rateLimit?: () => RateLimiterStats;
  /** Null until Socket.IO is attached. */
  socketGuard?: () => SocketGuardStats | null;
  /** Error answers by code (the app's own error middleware counts them). */
  httpErrors?: () => Record<string, number>;
}

export interface HttpAuth {
  /** The one authorization check; the hub creates it from the config. */
  policy: AuthPolicy;
  /** Per-client budget for control requests (shared with Socket.IO control commands). */
  limiter: RateLimiter;
  /** Paths anyone may GET even when reading needs a token; default: /health, /ready, / and /dashboard/*. */
  isPublic?: (path: string) => boolean;
}

export interface HttpAppDeps {
  registry: ChannelRegistry;
  mapping: ChannelMapping;
  auth: HttpAuth;
  ingestStatus?: IngestStatusSource;
  /** Absent or null when the hub runs without the embedded simulator (--no-sim). */
  simulator?: SimulatorControl | null;
  /** Whose simulated dyno each provider is (two hubs on one JetDrive port see each other's); absent: not told. */
  simulatorOrigin?: SimulatorOriginOf;
  metrics?: MetricsSources;
  /** Mounted after the built-in routers (sessions, dashboard static files, …). */
  extraRouters?: readonly Router[];
  /** After authorization and the body parser, before the routers (a cluster edge relays some requests there). */
  beforeRoutes?: Middleware;
  options?: Partial<HttpOptions>;
  now?: () => number;
}
