// The wire contract of jetdrive-hub (`@jetdrive-hub/client/contract`): what the hub, the SDK and the dashboard agree
// on. Socket.IO event maps, command schemas (zod) and the types inferred from them, session wire types, the error
// shape, the data frame layout and the protocol version.
export { closedObject } from './closed-object.js';
export { type CommandArgs, splitCommandArgs } from './command-args.js';
export {
  type ChannelSelector,
  channelSelectorSchema,
  type CleanupRequest,
  cleanupRequestSchema,
  createSubscribeSchema,
  ENGINE_PROFILE_IDS,
  type EngineProfileId,
  noPayloadSchema,
  type SessionStartConfig,
  type SessionStartInput,
  sessionIdSchema,
  sessionStartSchema,
  type SubscribeLimits,
  type SubscribeOptions,
  type SubscribeRequest,
  subscriptionIdSchema,
  VE_SCENARIOS,
  type VeScenario,
} from './command-schemas.js';
export {
  type DataFrame,
  ENVELOPE_RECORD_STRIDE,
  FRAME_HEADER_LENGTH,
  frameRecordCount,
  pushEnvelope,
  pushRecord,
  RECORD_STRIDE,
  recordStride,
  startFrame,
} from './data-frame.js';
export {
  type DescribedZodError,
  type DescribeOptions,
  describeZodError,
  type FieldIssue,
  strictFieldsError,
  zodIssues,
} from './describe-zod-error.js';
export type {
  BackfillFrame,
  CatalogChannel,
  CatalogEventView,
  CatalogProvider,
  CatalogView,
  ChannelInfo,
  ClientToServerEvents,
  CommandRefusal,
  EvictionCode,
  EvictionNotice,
  Hello,
  LaggingNotice,
  ServerToClientEvents,
  StreamChannel,
  StreamChannelsChange,
  StreamDescriptor,
  SubscribeResult,
} from './events.js';
export type {
  ClusterNodeView,
  ClusterView,
  HubRole,
  SourceState,
  SourceStateName,
} from './cluster.js';
export { PROTOCOL_VERSION, type ProtocolVersion } from './protocol-version.js';
export type {
  CellGrid,
  CellMaps,
  CleanupResult,
  IterationResult,
  SessionEvent,
  SessionEventBody,
  SessionResults,
  SessionSnapshot,
  SessionStatus,
  SessionSummary,
  TerminalStatus,
  VeTables,
} from './session-types.js';
export {
  CORRECTION_STANDARDS,
  type CorrectionStandard,
  CURVE_X_AXES,
  type CurveXAxis,
  MAX_COMPARE_RUNS,
  MAX_SMOOTHING,
  type RunsCompareQuery,
  runsCompareQuerySchema,
} from './run-analysis.js';
export type { Ack, AckError, HttpErrorBody, RealtimeErrorCode, Result, WireError } from './wire-error.js';
export {
  displayConversion,
  fromDisplay,
  POWER_UNIT,
  TORQUE_UNIT,
  toDisplay,
  type UnitConversion,
  UNIT_SYSTEMS,
  type UnitSystem,
} from './unit-conversion.js';
