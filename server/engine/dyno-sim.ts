import { createAfrTargetTable, createBaselineVeTable } from '../tuning/ve-grid.js';
import { type Atmosphere, DEFAULT_ATMOSPHERE, validateAtmosphere } from './atmosphere.js';
import { DEFAULT_DYNO_SIM, DynoModel } from './dyno-model.js';
import { getEngineProfile, type SimEngineProfile } from './engine-profiles.js';
import { createPrng } from './prng.js';
import type { SimFrame, SimState, TriggerPullOptions } from './sim-frame.js';
import type { EngineProfileId, PullResult } from './types.js';
import { createVirtualEcu, type VirtualEcu } from './virtual-ecu.js';

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
 * (../sim/simulated-dyno.ts) and the tuning sessions both drive it through step().
 */
export function createDynoSim(options: DynoSimOptions): DynoSim {
  const profile = resolveProfile(options.profile);
  const cfg = DEFAULT_DYNO_SIM;
  const noise = options.noiseScale ?? cfg.noiseScale;
  const pullEndRpm = profile.redlineRpm * (options.pullEndFraction ?? cfg.pullEndFraction);
  if (!(noise >= 0)) throw new RangeError(`noiseScale ${noise}: expected ≥ 0`);
  if (!(pullEndRpm > profile.idleRpm * 2 && pullEndRpm <= profile.redlineRpm)) {
    throw new RangeError(`pullEndFraction ${options.pullEndFraction}: pull must end between 2× idle and redline`);
  }
  const model = new DynoModel({
    profile,
    cfg,
    rng: createPrng(options.seed ?? cfg.seed),
    noise,
    pullEndRpm,
    ecu: options.ecu ?? defaultEcu(),
    atmosphere: validateAtmosphere({ ...DEFAULT_ATMOSPHERE, ...options.atmosphere }),
    autoPullS: options.autoPullIntervalS ?? null,
  });

  return {
    profile,
    get state() {
      return model.phases.state;
    },
    get timeS() {
      return model.t;
    },
    get pulls() {
      return model.phases.pulls;
    },
    get ecu() {
      return model.ecu;
    },
    get atmosphere() {
      return model.atmosphere;
    },
    get lastFrame() {
      return model.lastFrame;
    },
    setEcu(next) {
      model.ecu = next;
    },
    setAtmosphere: (a) => model.setAtmosphere(a),
    setAutoPull(intervalS) {
      if (intervalS !== null && !(intervalS > 0)) throw new RangeError(`autoPullIntervalS ${intervalS}: expected > 0`);
      model.autoPullS = intervalS;
    },
    triggerPull: (o) => model.triggerPull(o),
    step: (dtS) => model.step(dtS),
  };
}
