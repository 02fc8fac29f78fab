export { type ClockSync, createClockSync, MAX_ROUND_TRIP_MS, u32Clock } from './clock-sync.js';
export {
  createJetDriveNode,
  INCOMPATIBLE_VERSION,
  type JetDriveNode,
  type JetDriveNodeDeps,
  type JetDriveNodeStatus,
  type NodeState,
} from './create-jetdrive-node.js';
export { createNodeCounters } from './create-node-counters.js';
export { DEFAULT_NODE_OPTIONS, type JetDriveNodeOptions } from './default-node-options.js';
export { hostHex, pickHostId } from './pick-host-id.js';
export { createSequenceTracker, type SequenceTracker, type SequenceVerdict } from './sequence-tracker.js';
export type {
  JetDriveSink,
  NodeCounters,
  ProviderChange,
  ProviderState,
  SequenceCounters,
} from './types.js';
