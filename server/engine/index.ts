// The pure engine + dyno model (no I/O, no timers, deterministic for a seed): the tuning sessions step it as fast as
// the CPU allows, the simulated dyno (../sim/) at wall-clock pace.
export { fahrenheitToCelsius, inHgToKpa } from './atmosphere.js';
export { createDynoSim, type DynoSim, type DynoSimOptions } from './dyno-sim.js';
export {
  DEFAULT_PROFILE_ID,
  ENGINE_PROFILES,
  getEngineProfile,
  isEngineProfileId,
  PROFILE_IDS,
  profileSummary,
} from './engine-profiles.js';
export { createPrng, type Prng } from './prng.js';
export { type PullRun, runPull } from './run-pull.js';
export type { SimFrame, SimState } from './sim-frame.js';
export type {
  DynoState,
  EngineProfileId,
  ProfileSummary,
  PullResult,
  SimStartOptions,
  VeScenario,
} from './types.js';
export { createScenarioVeTable } from './ve-scenario.js';
export { createVirtualEcu, type VirtualEcu } from './virtual-ecu.js';
export { virtualEcuEnabled } from './virtual-ecu-enabled.js';
