// The engine and dyno model's data: profiles, states, scenarios, and the options a simulated run starts with.

export type EngineProfileId = 'm8_114' | 'm8_131' | 'twin_cam_103' | 'sportbike_600';

export interface EngineProfile {
  id: EngineProfileId;
  name: string;
  family: string;
  displacementCi: number;
  cylinders: number;
  idleRpm: number;
  redlineRpm: number;
  maxHp: number;
  hpPeakRpm: number;
  maxTq: number;
  tqPeakRpm: number;
  /** Engine rpm = grid rpm × this; the ECU grid's RPM axis (1500–6500) spans the profile's range. 1 for the Harleys. */
  gridRpmScale: number;
}

export type DynoState = 'stopped' | 'idle' | 'pull' | 'decel' | 'cooldown';

export type VeScenario = 'perfect' | 'lean' | 'rich' | 'custom';

export interface SimStartOptions {
  profile?: EngineProfileId;
  autoPull?: boolean;
  autoPullIntervalS?: number;
  virtualEcu?: {
    enabled?: boolean;
    scenario?: VeScenario;
    veErrorPct?: number;
    veErrorStd?: number;
    cylinderBalance?: 'same' | 'front_rich' | 'rear_rich';
    barometricPressureInHg?: number;
    ambientTempF?: number;
  };
}

/** Shaped like the older GET /simulator/profiles entries. */
export interface ProfileSummary {
  id: EngineProfileId;
  name: string;
  family: string;
  displacement_ci: number;
  idle_rpm: number;
  redline_rpm: number;
  max_hp: number;
  hp_peak_rpm: number;
  max_tq: number;
  tq_peak_rpm: number;
}

export type PullResult =
  | { ok: true; state: DynoState }
  | { ok: false; code: 'SIM_NOT_RUNNING' | 'SIM_NOT_IDLE'; message: string };
