import { type Atmosphere, saeJ1349Factor, validateAtmosphere } from './atmosphere.js';
import { DynoPhases } from './dyno-phases.js';
import {
  DRUM_INERTIA_KG_M2,
  DRUM_RADIUS_M,
  KW_PER_HP,
  NM_PER_FTLB,
  RAD_PER_S_PER_RPM,
  STOICH_AFR,
} from './dyno-physics.js';
import type { SimEngineProfile } from './engine-profiles.js';
import { steadyMapKpa, zeroTorqueMapKpa } from './manifold-pressure.js';
import type { Prng } from './prng.js';
import type { SimFrame, TriggerPullOptions } from './sim-frame.js';
import { wotTorqueFtLb } from './torque-curve.js';
import type { PullResult } from './types.js';
import type { VirtualEcu } from './virtual-ecu.js';

const ECT_NOMINAL_C = 95;
/** The intake runs this much above ambient, °C. */
const IAT_ABOVE_AMBIENT_C = 5;
/** Redline-to-idle braking reaches this share of redline speed in decelS. */
const DECEL_SHARE = 0.85;
/** The engine never drops below this share of idle speed. */
const MIN_OMEGA_IDLE_SHARE = 0.5;
/** The injectors cut on overrun: decel, throttle below this (%), rpm above FUEL_CUT_IDLE_MULTIPLE × idle. */
const FUEL_CUT_MAX_TPS = 2;
const FUEL_CUT_IDLE_MULTIPLE = 1.4;
const MS_TO_KMH = 3.6;
/** Charging voltage in a pull and otherwise, V. */
const VBATT_PULL = 14.1;
const VBATT_IDLE = 13.6;
/** Sub-steps per step: a float-rounding allowance so an exact multiple of maxSubstepS is not one too many. */
const SUBSTEP_EPSILON = 1e-9;
const MAX_STEP_S = 10;

/** Relative power against lambda: best near 0.87, falling on both sides (a lean table also costs power). */
function lambdaPower(lambda: number): number {
  return Math.max(0.6, 1 - 2 * (lambda - 0.87) ** 2);
}

/** The model's fixed parameters (createDynoSim uses these; tests read them). */
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

export interface DynoModelOptions {
  profile: SimEngineProfile;
  cfg: typeof DEFAULT_DYNO_SIM;
  rng: Prng;
  noise: number;
  pullEndRpm: number;
  ecu: VirtualEcu;
  atmosphere: Atmosphere;
  autoPullS: number | null;
}

/**
 * The inertia-dyno model's state and physics: crank speed, throttle, manifold pressure, temperatures, integrated in
 * sub-steps of at most maxSubstepS, with the phases in DynoPhases and the sensors read at the end of each step.
 */
export class DynoModel {
  readonly profile: SimEngineProfile;
  readonly phases: DynoPhases;
  ecu: VirtualEcu;
  autoPullS: number | null;
  t = 0;
  lastFrame: SimFrame | null = null;
  readonly #cfg: typeof DEFAULT_DYNO_SIM;
  readonly #rng: Prng;
  readonly #noise: number;
  readonly #pullEndRpm: number;
  readonly #inertia: number;
  readonly #idleOmega: number;
  readonly #redlineOmega: number;
  readonly #decelAlpha: number;
  #atmosphere: Atmosphere;
  #cf: number;
  #omega: number;
  #tps: number;
  #map: number;
  #ectC = ECT_NOMINAL_C;
  #iatC: number;

  constructor(o: DynoModelOptions) {
    const { profile, cfg } = o;
    this.profile = profile;
    this.#cfg = cfg;
    this.#rng = o.rng;
    this.#noise = o.noise;
    this.#pullEndRpm = o.pullEndRpm;
    this.ecu = o.ecu;
    this.autoPullS = o.autoPullS;
    this.#atmosphere = o.atmosphere;
    this.#cf = saeJ1349Factor(o.atmosphere);
    this.phases = new DynoPhases(cfg);
    // Crank-referred drum inertia: the drum turns 1/ratio as fast as the crank.
    this.#inertia = DRUM_INERTIA_KG_M2 / profile.dynoGearRatio ** 2;
    this.#idleOmega = profile.idleRpm * RAD_PER_S_PER_RPM;
    this.#redlineOmega = profile.redlineRpm * RAD_PER_S_PER_RPM;
    // Brake + engine braking: redline to idle in about decelS, harder at high rpm (friction and windage).
    this.#decelAlpha = (DECEL_SHARE * this.#redlineOmega) / cfg.decelS;
    this.#omega = this.#idleOmega;
    this.#tps = cfg.idleTps;
    this.#map = steadyMapKpa(profile, this.#tps, profile.idleRpm, o.atmosphere.pressureKpa);
    this.#iatC = o.atmosphere.tempC + IAT_ABOVE_AMBIENT_C;
  }

  get atmosphere(): Atmosphere {
    return this.#atmosphere;
  }

  setAtmosphere(a: Partial<Atmosphere>): void {
    this.#atmosphere = validateAtmosphere({ ...this.#atmosphere, ...a });
    this.#cf = saeJ1349Factor(this.#atmosphere);
  }

  triggerPull(o?: TriggerPullOptions): PullResult {
    return this.phases.trigger(this.t, o?.tps);
  }

  step(dtS: number): SimFrame {
    if (!(dtS > 0 && dtS <= MAX_STEP_S)) throw new RangeError(`dtS ${dtS}: expected 0 < dtS ≤ 10 s`);
    const omega0 = this.#omega;
    const n = Math.ceil(dtS / this.#cfg.maxSubstepS - SUBSTEP_EPSILON);
    let fuelCut = false;
    for (let i = 0; i < n; i++) fuelCut = this.#substep(dtS / n);
    this.lastFrame = this.#measure(omega0, dtS, fuelCut);
    return this.lastFrame;
  }

  /** Net torque the dyno reads (N·m, crank-referred) for the current throttle and mixture. */
  #readTorque(rpm: number, lambda: number, lambdaTarget: number): number {
    const { profile } = this;
    const wotMap = steadyMapKpa(profile, 100, rpm, this.#atmosphere.pressureKpa);
    const zero = zeroTorqueMapKpa(profile, rpm);
    const load = (this.#map - zero) / (wotMap - zero);
    const tq = wotTorqueFtLb(profile, rpm) * NM_PER_FTLB;
    return (tq * Math.min(1, load) * lambdaPower(lambda)) / lambdaPower(lambdaTarget) / this.#cf;
  }

  /** Crank acceleration (rad/s²) in the current phase; in a pull it also feeds the stall detector. */
  #alpha(rpm: number, dt: number): number {
    const { phases, ecu, profile } = this;
    if (phases.state === 'pull') {
      const gridRpm = rpm / profile.gridRpmScale;
      const map = this.#map;
      const mix = (ecu.mixtureAfr('front', gridRpm, map) + ecu.mixtureAfr('rear', gridRpm, map)) / 2;
      const target = ecu.targetAfr(gridRpm, map);
      const alpha = this.#readTorque(rpm, mix / STOICH_AFR, target / STOICH_AFR) / this.#inertia;
      phases.trackStall(alpha / RAD_PER_S_PER_RPM, dt);
      return alpha;
    }
    if (phases.state === 'decel') return -this.#decelAlpha * (0.5 + (0.5 * this.#omega) / this.#redlineOmega);
    return (this.#idleOmega - this.#omega) / this.#cfg.idleSettleS;
  }

  /** Advances `dt` seconds; returns whether the injectors were cut (overrun). */
  #substep(dt: number): boolean {
    const { phases, profile } = this;
    const cfg = this.#cfg;
    this.t += dt;
    phases.advance(this.t, dt, this.autoPullS);
    const rpm = this.#omega / RAD_PER_S_PER_RPM;
    // Throttle slews toward its target; the manifold fills behind it.
    const slew = cfg.throttleSlewPctPerS * dt;
    const target = phases.tpsTarget;
    this.#tps = this.#tps < target ? Math.min(target, this.#tps + slew) : Math.max(target, this.#tps - slew);
    const mapSteady = steadyMapKpa(profile, this.#tps, rpm, this.#atmosphere.pressureKpa);
    this.#map += (mapSteady - this.#map) * (1 - Math.exp(-dt / cfg.mapLagS));
    const fuelCut =
      phases.state === 'decel' && this.#tps < FUEL_CUT_MAX_TPS && rpm > profile.idleRpm * FUEL_CUT_IDLE_MULTIPLE;
    const alpha = this.#alpha(rpm, dt);
    const minOmega = this.#idleOmega * MIN_OMEGA_IDLE_SHARE;
    this.#omega = Math.min(this.#redlineOmega, Math.max(minOmega, this.#omega + alpha * dt));
    const rpmNow = this.#omega / RAD_PER_S_PER_RPM;
    phases.settle(rpmNow, this.#pullEndRpm, profile.idleRpm);
    // Heat: pulls warm the engine (load × speed), it relaxes toward nominal; the intake follows the engine.
    const load = phases.state === 'pull' ? (this.#tps / 100) * (rpmNow / profile.redlineRpm) : 0;
    this.#ectC += (2.5 * load - (this.#ectC - ECT_NOMINAL_C) / 60) * dt;
    const iatSteady = this.#atmosphere.tempC + IAT_ABOVE_AMBIENT_C + 0.2 * (this.#ectC - ECT_NOMINAL_C);
    this.#iatC += (iatSteady - this.#iatC) * (dt / 20);
    return fuelCut;
  }

  /** What the dyno's sensors report at the end of a step (noise drawn in a fixed order: same seed, same frames). */
  #measure(omega0: number, dtS: number, fuelCut: boolean): SimFrame {
    const { profile, ecu, phases } = this;
    const cfg = this.#cfg;
    const rng = this.#rng;
    const noise = this.#noise;
    const omega = this.#omega;
    const map = this.#map;
    const atmosphere = this.#atmosphere;
    const cf = this.#cf;
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
    const powerW = this.#inertia * alphaNet * omega * (1 + rng.gaussian(0, 0.004 * noise));
    const omegaReported = rpm * RAD_PER_S_PER_RPM;
    const torqueNm = omegaReported > 1 ? powerW / omegaReported : 0;
    const powerKw = powerW / 1000;
    return {
      t: this.t,
      state: phases.state,
      pull: phases.pulls,
      rpm,
      rpm2,
      forceN: speedMs > 0.1 ? powerW / speedMs : 0,
      powerKw,
      torqueNm,
      speedKmh: speedMs * MS_TO_KMH,
      accel: accelMs2 * MS_TO_KMH,
      afrFront,
      afrRear,
      lambda: afrFront / STOICH_AFR,
      mapKpa: map + rng.gaussian(0, 0.3 * noise),
      tps: this.#tps,
      ectC: this.#ectC,
      iatC: this.#iatC,
      vbatt: (phases.state === 'pull' ? VBATT_PULL : VBATT_IDLE) + rng.gaussian(0, 0.02 * noise),
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
  }
}
