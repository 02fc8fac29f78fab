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
  /** Hosts tracked at once; beyond it the longest-offline one is evicted, or the message is dropped and counted. */
  maxProviders: number;
  /** A fixed host id instead of claiming one (tests, or a shop that assigns ids); null claims. */
  hostId: number | null;
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
  hostId: null,
  channelInfoBudgetMs: 4,
  maxQueuedChannelInfoRecords: 4096,
});
