import { createAfrTargetTable, createBaselineVeTable } from '../tuning/ve-grid.js';
import { type Atmosphere, DEFAULT_ATMOSPHERE, saeJ1349Factor, validateAtmosphere } from './atmosphere.js';
import {
  DRUM_INERTIA_KG_M2,
  DRUM_RADIUS_M,
  KW_PER_HP,
  NM_PER_FTLB,
  RAD_PER_S_PER_RPM,
  STOICH_AFR,
} from './dyno-physics.js';
import { getEngineProfile, type SimEngineProfile } from './engine-profiles.js';
import { steadyMapKpa, zeroTorqueMapKpa } from './manifold-pressure.js';
import { createPrng } from './prng.js';
import { wotTorqueFtLb } from './torque-curve.js';
import type { DynoState, EngineProfileId, PullResult } from './types.js';
import { createVirtualEcu, type VirtualEcu } from './virtual-ecu.js';

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

export interface DynoSimOptions {
  profile: EngineProfileId | SimEngineProfile;
  /** Seed of the noise; same seed and same calls give the same frames. Default 1. */
  seed?: number;
  atmosphere?: Partial<Atmosphere>;
  /** Default: perfectly tuned (tables equal the engine's true VE, the baseline table). */
  ecu?: VirtualEcu;
  /** Start a pull by itself after this long since the previous one started; null/0 = only on demand. */
  autoPullIntervalS?: number | null;
  /** Scales every noise source (0 = noise-free). Default 1. */
  noiseScale?: number;
  /** Pull ends at this fraction of redline. Default 0.98. */
  pullEndFraction?: number;
}

export interface TriggerPullOptions {
  /** Throttle for the pull, % (5–100). Default 100 (WOT). */
  tps?: number;
}

export interface DynoSim {
  readonly profile: SimEngineProfile;
  readonly state: SimState;
  readonly timeS: number;
  readonly pulls: number;
  readonly ecu: VirtualEcu;
  readonly atmosphere: Readonly<Atmosphere>;
  /** The last frame step() returned (null before the first step). */
  readonly lastFrame: SimFrame | null;
  setEcu(ecu: VirtualEcu): void;
  setAtmosphere(a: Partial<Atmosphere>): void;
  setAutoPull(intervalS: number | null): void;
  /** Starts a pull from idle; SIM_NOT_IDLE otherwise. */
  triggerPull(options?: TriggerPullOptions): PullResult;
  /** Advances simulated time by dtS seconds (> 0) and returns the frame at the end of it. */
  step(dtS: number): SimFrame;
}

export const DEFAULT_DYNO_SIM = Object.freeze({
  seed: 1,
  noiseScale: 1,
  pullEndFraction: 0.98,
  /** Throttle opening rate, %/s: a rider snaps WOT in about a quarter second. */
  throttleSlewPctPerS: 400,
  idleTps: 1,
  /** Manifold filling time constant, s. */
  mapLagS: 0.05,
  /** Idle/cooldown rpm settling time constant, s. */
  idleSettleS: 0.6,
  /** A pull that gains less than this for stallHoldS ends (a part-throttle pull that cannot reach redline). */
  stallRpmPerS: 30,
  stallHoldS: 1.5,
  maxPullS: 90,
  /** Roughly how long the operator's brake takes from redline to idle. */
  decelS: 5,
  cooldownS: 3,
  /** Largest internal integration step, s. */
  maxSubstepS: 0.01,
  afrSensorMin: 9,
  afrSensorMax: 22,
});

const ECT_NOMINAL_C = 95;

/** Relative power against lambda: best near 0.87, falling on both sides (a lean table also costs power). */
function lambdaPower(lambda: number): number {
  return Math.max(0.6, 1 - 2 * (lambda - 0.87) ** 2);
}

function resolveProfile(p: EngineProfileId | SimEngineProfile): SimEngineProfile {
  return typeof p === 'string' ? getEngineProfile(p) : p;
}

function defaultEcu(): VirtualEcu {
  const baseline = createBaselineVeTable();
  return createVirtualEcu({
    veFront: new Float64Array(baseline),
    veRear: new Float64Array(baseline),
    afrTarget: createAfrTargetTable(),
    trueVeFront: baseline,
    trueVeRear: baseline,
  });
}

/**
 * A pure, steppable inertia-dyno model: no timers, no I/O, deterministic for a seed. The wall-clock controller
 * (simulated-dyno.ts) and the tuning sessions both drive it through step().
 */
export function createDynoSim(options: DynoSimOptions): DynoSim {
  const profile = resolveProfile(options.profile);
  const cfg = DEFAULT_DYNO_SIM;
  const rng = createPrng(options.seed ?? cfg.seed);
  const noise = options.noiseScale ?? cfg.noiseScale;
  const pullEndRpm = profile.redlineRpm * (options.pullEndFraction ?? cfg.pullEndFraction);
  if (!(noise >= 0)) throw new RangeError(`noiseScale ${noise}: expected ≥ 0`);
  if (!(pullEndRpm > profile.idleRpm * 2 && pullEndRpm <= profile.redlineRpm)) {
    throw new RangeError(`pullEndFraction ${options.pullEndFraction}: pull must end between 2× idle and redline`);
  }
  let ecu = options.ecu ?? defaultEcu();
  let atmosphere: Atmosphere = validateAtmosphere({ ...DEFAULT_ATMOSPHERE, ...options.atmosphere });
  let cf = saeJ1349Factor(atmosphere);
  let autoPullS = options.autoPullIntervalS ?? null;

  // Crank-referred drum inertia: the drum turns 1/ratio as fast as the crank.
  const inertia = DRUM_INERTIA_KG_M2 / profile.dynoGearRatio ** 2;
  const idleOmega = profile.idleRpm * RAD_PER_S_PER_RPM;
  const redlineOmega = profile.redlineRpm * RAD_PER_S_PER_RPM;
  // Brake + engine braking: redline to idle in about decelS, harder at high rpm (friction and windage).
  const decelAlpha = (0.85 * redlineOmega) / cfg.decelS;

  let t = 0;
  let state: SimState = 'idle';
  let stateT = 0;
  let omega = idleOmega;
  let tps: number = cfg.idleTps;
  let tpsTarget: number = cfg.idleTps;
  let map = steadyMapKpa(profile, tps, profile.idleRpm, atmosphere.pressureKpa);
  let ectC = ECT_NOMINAL_C;
  let iatC = atmosphere.tempC + 5;
  let pulls = 0;
  let lastPullStart = 0;
  let stallT = 0;
  let lastFrame: SimFrame | null = null;

  const enter = (s: SimState): void => {
    state = s;
    stateT = 0;
    stallT = 0;
  };

  const triggerPull = (o?: TriggerPullOptions): PullResult => {
    const pullTps = o?.tps ?? 100;
    if (!(pullTps >= 5 && pullTps <= 100)) throw new RangeError(`tps ${pullTps}: a pull needs 5–100 %`);
    if (state !== 'idle') {
      return { ok: false, code: 'SIM_NOT_IDLE', message: `a pull starts from idle; the dyno is in ${state}` };
    }
    pulls++;
    lastPullStart = t;
    tpsTarget = pullTps;
    enter('pull');
    return { ok: true, state };
  };

  /** Net torque the dyno reads (N·m, crank-referred) for the current throttle and mixture. */
  const readTorque = (rpm: number, lambda: number, lambdaTarget: number): number => {
    const wotMap = steadyMapKpa(profile, 100, rpm, atmosphere.pressureKpa);
    const zero = zeroTorqueMapKpa(profile, rpm);
    const load = (map - zero) / (wotMap - zero);
    const tq = wotTorqueFtLb(profile, rpm) * NM_PER_FTLB;
    return (tq * Math.min(1, load) * lambdaPower(lambda)) / lambdaPower(lambdaTarget) / cf;
  };

  const substep = (dt: number): { fuelCut: boolean } => {
    t += dt;
    stateT += dt;
    if (state === 'idle' && autoPullS && autoPullS > 0 && t - lastPullStart >= autoPullS && stateT >= 1) {
      triggerPull();
    }
    const rpm = omega / RAD_PER_S_PER_RPM;
    // Throttle slews toward its target; the manifold fills behind it.
    const slew = cfg.throttleSlewPctPerS * dt;
    tps = tps < tpsTarget ? Math.min(tpsTarget, tps + slew) : Math.max(tpsTarget, tps - slew);
    const mapSteady = steadyMapKpa(profile, tps, rpm, atmosphere.pressureKpa);
    map += (mapSteady - map) * (1 - Math.exp(-dt / cfg.mapLagS));
    const fuelCut = state === 'decel' && tps < 2 && rpm > profile.idleRpm * 1.4;

    let alpha: number;
    if (state === 'pull') {
      const gridRpm = rpm / profile.gridRpmScale;
      const mix = (ecu.mixtureAfr('front', gridRpm, map) + ecu.mixtureAfr('rear', gridRpm, map)) / 2;
      const target = ecu.targetAfr(gridRpm, map);
      alpha = readTorque(rpm, mix / STOICH_AFR, target / STOICH_AFR) / inertia;
      const rpmRate = alpha / RAD_PER_S_PER_RPM;
      stallT = stateT > 2 && rpmRate < cfg.stallRpmPerS ? stallT + dt : 0;
    } else if (state === 'decel') {
      alpha = -decelAlpha * (0.5 + (0.5 * omega) / redlineOmega);
    } else {
      alpha = (idleOmega - omega) / cfg.idleSettleS;
    }
    omega = Math.min(redlineOmega, Math.max(idleOmega * 0.5, omega + alpha * dt));

    const rpmNow = omega / RAD_PER_S_PER_RPM;
    if (state === 'pull' && (rpmNow >= pullEndRpm || stallT >= cfg.stallHoldS || stateT >= cfg.maxPullS)) {
      tpsTarget = 0;
      enter('decel');
    } else if (state === 'decel' && rpmNow <= profile.idleRpm * 1.2) {
      tpsTarget = cfg.idleTps;
      enter('cooldown');
    } else if (state === 'cooldown' && stateT >= cfg.cooldownS) {
      enter('idle');
    }

    // Heat: pulls warm the engine (load × speed), it relaxes toward nominal; the intake follows the engine.
    const load = state === 'pull' ? (tps / 100) * (rpmNow / profile.redlineRpm) : 0;
    ectC += (2.5 * load - (ectC - ECT_NOMINAL_C) / 60) * dt;
    iatC += (atmosphere.tempC + 5 + 0.2 * (ectC - ECT_NOMINAL_C) - iatC) * (dt / 20);
    return { fuelCut };
  };

  const step = (dtS: number): SimFrame => {
    if (!(dtS > 0 && dtS <= 10)) throw new RangeError(`dtS ${dtS}: expected 0 < dtS ≤ 10 s`);
    const omega0 = omega;
    const n = Math.ceil(dtS / cfg.maxSubstepS - 1e-9);
    let fuelCut = false;
    for (let i = 0; i < n; i++) fuelCut = substep(dtS / n).fuelCut;
    lastFrame = measure(omega0, dtS, fuelCut);
    return lastFrame;
  };

  /** What the dyno's sensors report at the end of a step. */
  const measure = (omega0: number, dtS: number, fuelCut: boolean): SimFrame => {
    const rpmTrue = omega / RAD_PER_S_PER_RPM;
    const gridRpm = rpmTrue / profile.gridRpmScale;
    const mixF = ecu.mixtureAfr('front', gridRpm, map);
    const mixR = ecu.mixtureAfr('rear', gridRpm, map);
    const sensor = (afr: number): number =>
      fuelCut
        ? cfg.afrSensorMax
        : Math.min(cfg.afrSensorMax, Math.max(cfg.afrSensorMin, afr + rng.gaussian(0, 0.05 * noise)));
    const afrFront = sensor(mixF);
    const afrRear = sensor(mixR);
    const rpm = Math.max(0, rpmTrue + rng.gaussian(0, (2 + 0.0005 * rpmTrue) * noise));
    const rpm2 = Math.max(0, rpmTrue + rng.gaussian(0, (2 + 0.0005 * rpmTrue) * noise));
    // The drum: speed from its encoder, power = inertia × acceleration × speed (crank-referred, same thing).
    const alphaNet = (omega - omega0) / dtS;
    const drumOmega = omega / profile.dynoGearRatio;
    const speedMs = drumOmega * DRUM_RADIUS_M;
    const accelMs2 = (alphaNet / profile.dynoGearRatio) * DRUM_RADIUS_M;
    const powerW = inertia * alphaNet * omega * (1 + rng.gaussian(0, 0.004 * noise));
    const omegaReported = rpm * RAD_PER_S_PER_RPM;
    const torqueNm = omegaReported > 1 ? powerW / omegaReported : 0;
    const powerKw = powerW / 1000;
    return {
      t,
      state,
      pull: pulls,
      rpm,
      rpm2,
      forceN: speedMs > 0.1 ? powerW / speedMs : 0,
      powerKw,
      torqueNm,
      speedKmh: speedMs * 3.6,
      accel: accelMs2 * 3.6,
      afrFront,
      afrRear,
      lambda: afrFront / STOICH_AFR,
      mapKpa: map + rng.gaussian(0, 0.3 * noise),
      tps,
      ectC,
      iatC,
      vbatt: (state === 'pull' ? 14.1 : 13.6) + rng.gaussian(0, 0.02 * noise),
      correctionFactor: cf,
      ambientC: atmosphere.tempC + rng.gaussian(0, 0.05 * noise),
      baroKpa: atmosphere.pressureKpa + rng.gaussian(0, 0.02 * noise),
      humidityPct: Math.min(100, Math.max(0, atmosphere.humidityPct + rng.gaussian(0, 0.2 * noise))),
      hp: powerKw / KW_PER_HP,
      ftlb: torqueNm / NM_PER_FTLB,
      hpCorrected: (powerKw / KW_PER_HP) * cf,
      gridRpm,
      afrTarget: ecu.targetAfr(gridRpm, map),
      mixtureAfrFront: mixF,
      mixtureAfrRear: mixR,
      trueVeFront: ecu.trueVe('front', gridRpm, map),
      trueVeRear: ecu.trueVe('rear', gridRpm, map),
      tableVeFront: ecu.tableVe('front', gridRpm, map),
      tableVeRear: ecu.tableVe('rear', gridRpm, map),
      fuelCut,
    };
  };

  return {
    profile,
    get state() {
      return state;
    },
    get timeS() {
      return t;
    },
    get pulls() {
      return pulls;
    },
    get ecu() {
      return ecu;
    },
    get atmosphere() {
      return atmosphere;
    },
    get lastFrame() {
      return lastFrame;
    },
    setEcu(next) {
      ecu = next;
    },
    setAtmosphere(a) {
      atmosphere = validateAtmosphere({ ...atmosphere, ...a });
      cf = saeJ1349Factor(atmosphere);
    },
    setAutoPull(intervalS) {
      if (intervalS !== null && !(intervalS > 0)) throw new RangeError(`autoPullIntervalS ${intervalS}: expected > 0`);
      autoPullS = intervalS;
    },
    triggerPull,
    step,
  };
}
