/** The Redis keys one cluster uses; every key starts with the prefix, so several clusters can share one Redis. */
export interface ClusterKeys {
  /** The data stream: datagrams, clocks and heartbeats of the ingest node (XADD MAXLEN ~). */
  data: string;
  /** Hash: per provider, its latest ChannelInfo datagrams and clock (an edge that starts late needs the catalog). */
  catalog: string;
  /** Hash: node id → its last heartbeat (role, URL, time). */
  nodes: string;
  /** The Socket.IO Redis Streams adapter's stream (events and commands between nodes). */
  adapter: string;
}

export function clusterKeys(prefix = 'jetdrive-hub'): ClusterKeys {
  return {
    data: `${prefix}:data`,
    catalog: `${prefix}:catalog`,
    nodes: `${prefix}:nodes`,
    adapter: `${prefix}:socket.io`,
  };
}
