// Contract of the embedded simulated dyno as the hub wiring drives it (the HTTP routes see it through
// http/simulator-control.ts, which it satisfies structurally).
import type { DynoState, ProfileSummary, PullResult, SimStartOptions, VeScenario } from '../engine/types.js';

/** Shaped like the older GET /simulator/status (../shared/origin/system.md §4). */
export interface SimStatus {
  active: boolean;
  state: DynoState;
  profile: ProfileSummary | null;
  current: { rpm: number; horsepower: number; torque: number; afr: number; tps: number } | null;
  providers: { name: string; hostId: number }[];
  pulls: number;
}

/** The virtual ECU's starting VE table as the running model was built with it (defaults filled in). */
export interface SimVeScenario {
  scenario: VeScenario;
  veErrorPct: number;
  veErrorStd: number;
  cylinderBalance: 'same' | 'front_rich' | 'rear_rich';
}

/** The simulator as main.ts and the HTTP routes drive it. */
export interface SimulatedDynoController {
  start(options?: SimStartOptions): Promise<SimStatus>;
  /** Sends ClearChannelInfo for both providers, stops ticking, closes its sockets. */
  stop(): Promise<void>;
  pull(): PullResult;
  status(): SimStatus;
  profiles(): ProfileSummary[];
}

/** What a provider wants sent, and why (the fault injector treats values and control messages differently). */
export interface OutgoingDatagram {
  kind: 'info' | 'values' | 'clear' | 'pong';
  bytes: Uint8Array;
}
