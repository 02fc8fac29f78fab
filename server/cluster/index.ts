// Cluster mode on Redis: one ingest node publishes what it receives to a Redis Stream, edges read it into the same
// pipeline a local hub runs; events and commands cross nodes through Socket.IO's Redis Streams adapter.
export { type ClusterKeys, clusterKeys } from './cluster-keys.js';
export { ClusterError, type ClusterErrorCode, RELAYED_COMMANDS, type RelayedCommand } from './command-relay.js';
export {
  type ClusterNode,
  type ClusterNodeConfig,
  type ClusterNodeStats,
  createClusterNode,
} from './create-cluster-node.js';
export {
  type HttpDispatcher,
  type RelayedHttpAnswer,
  type RelayedHttpRequest,
  type RouteMatcher,
  relayHttpRequests,
} from './relay-http-requests.js';
export { decodeStreamEntry, encodeStreamEntry, type IngestSource, type StreamEntry } from './stream-entry.js';
