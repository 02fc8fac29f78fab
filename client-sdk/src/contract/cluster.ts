// Cluster mode (issue 18): which role the hub plays, the nodes it knows, and the state of its data source.

export type HubRole = 'standalone' | 'ingest' | 'edge';

/** One node of the cluster, as the node answering knows it from the nodes' heartbeats in Redis. */
export interface ClusterNodeView {
  id: string;
  role: 'ingest' | 'edge';
  /** Where the node serves viewers (its HTTP + Socket.IO URL), as it announced it. */
  url: string | null;
  /** ms since the node's last heartbeat. */
  lastSeenMs: number;
}

export interface ClusterView {
  role: HubRole;
  /** This node's id; null for a standalone hub. */
  node: string | null;
  nodes: ClusterNodeView[];
}

/**
 * `live`: data flows. `stale`: this edge lost Redis, so it cannot see the ingest node (the ingest node may still be
 * fine). `offline`: Redis is there but the ingest node has said nothing for a while (stopped or restarting).
 */
export type SourceStateName = 'live' | 'stale' | 'offline';

export interface SourceState {
  state: SourceStateName;
  /** Epoch ms of the change. */
  since: number;
  reason: string;
}

/**
 * An edge fell further behind than the Redis data stream keeps (`CLUSTER_STREAM_MAXLEN`): entries it had not read
 * were trimmed, so its viewers missed what they carried. Sent as `source:gap`, once per gap; never a silent gap.
 */
export interface SourceGap {
  /** Stream entries (datagrams, clocks, heartbeats) lost between the two ids. */
  missedEntries: number;
  /** The last entry read before the gap (null if none yet). */
  afterId: string | null;
  /** The first entry read after it. */
  resumedAt: string;
  /** Epoch ms when the edge noticed. */
  at: number;
}
