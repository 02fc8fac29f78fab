import { DEFAULT_PONG_LIMITER_OPTIONS, type PongLimiterOptions } from './create-pong-limiter.js';
import type { SourcePolicy } from './create-source-guard.js';

export interface JetDriveNodeOptions {
  /** Listen only: never transmit, no host id. */
  passive: boolean;
  /** How long to listen after the claim Ping before picking a host id (spec: about 1 s). */
  claimMs: number;
  /** A provider silent this long goes offline. */
  offlineAfterMs: number;
  /** Clock-sync Ping period per provider (a Ping also goes out when a provider is first heard). */
  pingIntervalMs: number;
  /** At most one RequestChannelInfo per host in this period. */
  requestInfoIntervalMs: number;
  /** How often offline and ping deadlines are evaluated; 0 picks min(1000, offlineAfterMs / 4). */
  checkIntervalMs: number;
  /**
   * Hosts tracked at once; beyond it the least valuable one is evicted (offline first, then hosts that never sent
   * named channels with values, least recently active first), or the message is dropped and counted.
   */
  maxProviders: number;
  /**
   * Evictions per second at most: squatting hosts would otherwise evict each other on every frame, each time
   * announcing and removing channels. Beyond it a newcomer is refused (counted) and admitted on a later frame.
   */
  maxEvictionsPerS: number;
  /** A fixed host id instead of claiming one (tests, or a shop that assigns ids); null claims. */
  hostId: number | null;
  /** Budgets for answering Pings (per host, in total, claim Pings). */
  pong: PongLimiterOptions;
  /** What to do with frames whose source address disagrees with the one their host id uses. */
  sourcePolicy: SourcePolicy;
  /** At most one conflict event and log line per provider per this period (every frame is counted). */
  conflictReportIntervalMs: number;
  /** Our host id changes on a collision at most once per this period; later collisions are counted. */
  hostIdChangeMinIntervalMs: number;
  /** ChannelInfo / ClearChannelInfo handled per event-loop turn before the rest waits for the next turn. */
  channelInfoBudgetMs: number;
  /** ChannelInfo records waiting for a turn at most; beyond, messages are dropped and counted (`channelInfoQueue`). */
  maxQueuedChannelInfoRecords: number;
}

export const DEFAULT_NODE_OPTIONS: Readonly<JetDriveNodeOptions> = Object.freeze({
  passive: false,
  claimMs: 1000,
  offlineAfterMs: 5000,
  pingIntervalMs: 10_000,
  requestInfoIntervalMs: 2000,
  checkIntervalMs: 0,
  maxProviders: 64,
  maxEvictionsPerS: 10,
  hostId: null,
  pong: DEFAULT_PONG_LIMITER_OPTIONS,
  sourcePolicy: 'drop',
  conflictReportIntervalMs: 10_000,
  hostIdChangeMinIntervalMs: 30_000,
  channelInfoBudgetMs: 2,
  maxQueuedChannelInfoRecords: 4096,
});
