export { createDynoPlant, DEFAULT_DYNO_PLANT_OPTIONS, type DynoPlantOptions } from './create-dyno-plant.js';
export { createSession, type Session, type SessionRunOptions } from './create-session.js';
export { parseSessionConfig, type SessionConfig, START_FIELDS, tuningOptionsOf } from './session-config.js';
export { SESSION_ERROR_STATUS, SessionError, type SessionErrorCode } from './session-error.js';
export { type SessionHealth, sessionHealth } from './session-health.js';
export {
  createSessionRegistry,
  DEFAULT_SESSION_REGISTRY_OPTIONS,
  type SessionRegistry,
  type SessionRegistryOptions,
  type SessionRegistryStats,
  type SessionWatch,
} from './session-registry.js';
export {
  attachSessionSocketHandlers,
  DEFAULT_SESSION_SOCKET_OPTIONS,
  SESSION_COMMAND_OPTIONS,
  type SessionServer,
  type SessionSocketHandlers,
  type SessionSocketOptions,
  sessionRoomOf,
} from './session-socket-handlers.js';
export { SessionStarter, type SessionStarterOptions } from './session-starter.js';
export {
  initialSessionState,
  isTerminal,
  reduceSession,
  type SessionState,
  TERMINAL_STATUSES,
} from './session-state.js';
export { SessionStore, type SessionStoreCounts } from './session-store.js';
export { SessionSweeper, type SessionSweeperOptions } from './session-sweeper.js';
export { toResults, toSnapshot, toSummary, toVeTables } from './session-views.js';
export {
  CHUNK_BOUNDARY,
  DEFAULT_TPS_STEPS,
  type SessionTables,
  type TuneDeps,
  type TuneStep,
  tuneSteps,
} from './tune-steps.js';
export type { PlantFactory, PlantInput, PullSample, TuningPlant } from './tuning-plant.js';
