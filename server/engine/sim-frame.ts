import type { DynoState } from './types.js';

/** The model's states (the controller adds 'stopped'). */
export type SimState = Exclude<DynoState, 'stopped'>;

/** One tick of the simulated dyno: every channel in SI wire units, plus truth a tuner or a test can use. */
export interface SimFrame {
  /** Simulated time since creation, s. */
  t: number;
  state: SimState;
  /** Number of pulls started so far (the current one included). */
  pull: number;
  // Channels, JetDrive units.
  rpm: number;
  rpm2: number;
  forceN: number;
  powerKw: number;
  torqueNm: number;
  speedKmh: number;
  /** Drum surface acceleration, (km/h)/s. */
  accel: number;
  afrFront: number;
  afrRear: number;
  lambda: number;
  mapKpa: number;
  tps: number;
  ectC: number;
  iatC: number;
  vbatt: number;
  correctionFactor: number;
  ambientC: number;
  baroKpa: number;
  humidityPct: number;
  // Conveniences and truth.
  /** Observed power and torque in US units; hp = ftlb × rpm / 5252 (to float rounding). */
  hp: number;
  ftlb: number;
  /** SAE J1349-corrected power. */
  hpCorrected: number;
  /** rpm / profile.gridRpmScale: where the ECU looks its tables up. */
  gridRpm: number;
  afrTarget: number;
  /** Noise-free mixture AFR per cylinder. */
  mixtureAfrFront: number;
  mixtureAfrRear: number;
  trueVeFront: number;
  trueVeRear: number;
  tableVeFront: number;
  tableVeRear: number;
  /** Closed-throttle overrun: injectors off, the wideband reads free air. Not tuning data. */
  fuelCut: boolean;
}

export interface TriggerPullOptions {
  /** Throttle for the pull, % (5–100). Default 100 (WOT). */
  tps?: number;
}
