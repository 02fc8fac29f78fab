// Live analyses of the channels (the VE-correction grid of issue 19; uses tuning/): their registry, the Socket.IO
// commands and pushes, and what the HTTP routes need.
export { ANALYSIS_ERROR_STATUS, AnalysisError, type AnalysisErrorCode } from './analysis-error.js';
export type { AnalysisExport } from './analysis-exports.js';
export {
  type AnalysisChange,
  type AnalysisRegistry,
  type AnalysisRegistryDeps,
  type AnalysisRegistryOptions,
  type AnalysisRegistryStats,
  createAnalysisRegistry,
  DEFAULT_ANALYSIS_REGISTRY_OPTIONS,
} from './analysis-registry.js';
export {
  ANALYSIS_COMMAND_OPTIONS,
  type AnalysisSocketHandlers,
  type AnalysisSocketOptions,
  analysisRoom,
  attachAnalysisSocketHandlers,
  DEFAULT_ANALYSIS_SOCKET_OPTIONS,
} from './analysis-socket-handlers.js';
export { parseAnalysisStart } from './parse-analysis-start.js';
