// The simulated dyno as the hub wiring uses it: a JetDrive provider around the engine model (../engine/).
export { createSimulatedDyno, type SimulatedDyno, type SimulatedDynoOptions } from './simulated-dyno.js';
export { createSimulatorOrigin, type SimulatorOrigin, type SimulatorOriginTracker } from './simulator-origin.js';
export type { SimStatus, SimulatedDynoController } from './types.js';
