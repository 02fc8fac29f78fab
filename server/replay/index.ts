// Replay of recorded runs through the live pipeline: run files read back (MCAP), paced into passive JetDrive nodes
// whose providers join the shared registry under a replay namespace.
export {
  createReplayManager,
  DEFAULT_REPLAY_OPTIONS,
  type ReplayManager,
  type ReplayManagerOptions,
  type ReplayManagerStats,
  type ReplayStartOptions,
} from './create-replay-manager.js';
export {
  DATAGRAM_TOPIC,
  type LoadedRun,
  loadRunFile,
  RUN_METADATA_NAME,
  RUN_PROFILE,
  type RunDatagram,
} from './load-run-file.js';
export { createNamespacedSink, type NamespacedSink, namespacedHostId } from './namespaced-sink.js';
export type { ReplayTap } from './replay.js';
export { REPLAY_ERROR_STATUS, ReplayError, type ReplayErrorCode } from './replay-error.js';
export {
  attachReplaySocketHandlers,
  REPLAY_COMMAND_OPTIONS,
  type ReplaySocketHandlers,
} from './replay-socket-handlers.js';
