import type { DynoState, ProfileSummary, PullResult, SimStartOptions } from '../engine/types.js';

// The embedded simulated dyno as the HTTP routes see it. The simulator lives in sim/, a leaf http may not import:
// the hub wiring passes it in, and it satisfies these shapes structurally.

/** What the routes read of the simulator's status; GET /simulator/status sends every field it reports. */
export interface SimulatorStatus {
  active: boolean;
  state: DynoState;
  profile: ProfileSummary | null;
  providers: readonly { name: string; hostId: number }[];
}

export interface SimulatorControl {
  start(options?: SimStartOptions): Promise<SimulatorStatus>;
  stop(): Promise<void>;
  pull(): PullResult;
  status(): SimulatorStatus;
  profiles(): readonly ProfileSummary[];
}
