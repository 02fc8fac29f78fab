// Runs: the black-box ring of raw datagrams, automatic pull detection, the MCAP recorder (journal, crash recovery,
// retention) and the run library. The replay engine reads the same files (format: server/protocol/README.md).

export { attachRunEvents } from './attach-run-events.js';
export { BlackBoxRing, type BlackBoxRingStats } from './black-box-ring.js';
export type { ChunkCompression } from './chunk-compression.js';
export { decompressHandlers } from './decompress-handlers.js';
export { importRunFile } from './import-run-file.js';
export { readRunMetadata } from './read-run-metadata.js';
export { rewriteRunFile } from './rewrite-run-file.js';
export { RunCapture } from './run-capture.js';
export { RUN_COMMAND_OPTIONS } from './run-socket-handlers.js';
export type { CaptureEvent, RunCaptureDeps, RunCaptureStats } from './run-capture-types.js';
export {
  DATAGRAM_ENCODING,
  DATAGRAM_TOPIC,
  JOURNAL_EXTENSION,
  RUN_FILE_EXTENSION,
  RUN_METADATA_NAME,
  RUN_PROFILE,
} from './run-file-format.js';
export { NODE_RUN_FILE_SYSTEM, type RunFileSystem } from './run-file-system.js';
export { createRunId, isRunId } from './run-id.js';
export { RunLibrary, type RunLibraryOptions } from './run-library.js';
export {
  DEFAULT_DETECTION_OPTIONS,
  DEFAULT_RUN_OPTIONS,
  type RunDetectionOptions,
  type RunOptions,
} from './run-options.js';
export { RUNS_ERROR_STATUS, RunsError, type RunsErrorCode } from './runs-error.js';
