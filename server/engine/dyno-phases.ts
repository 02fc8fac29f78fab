import type { SimState } from './sim-frame.js';
import type { PullResult } from './types.js';

/** The throttle range a pull accepts, %. */
export const MIN_PULL_TPS = 5;
export const MAX_PULL_TPS = 100;
/** An auto-pull waits at least this long in idle, s. */
const AUTO_PULL_MIN_IDLE_S = 1;
/** Stall detection starts this long into a pull, s (the throttle is still opening before). */
const STALL_GRACE_S = 2;
/** Decel ends below this multiple of idle rpm. */
const DECEL_END_IDLE_MULTIPLE = 1.2;

export interface DynoPhaseLimits {
  idleTps: number;
  /** A pull that gains less than this (rpm/s) for stallHoldS ends. */
  stallRpmPerS: number;
  stallHoldS: number;
  maxPullS: number;
  cooldownS: number;
}

/**
 * The dyno's phases, idle → pull → decel → cooldown → idle, with the time spent in the current one, the pull count
 * and the throttle target each phase asks for. Pure: the model tells it the time and rpm.
 */
export class DynoPhases {
  readonly #limits: DynoPhaseLimits;
  #state: SimState = 'idle';
  #stateT = 0;
  #stallT = 0;
  #pulls = 0;
  #lastPullStart = 0;
  #tpsTarget: number;

  constructor(limits: DynoPhaseLimits) {
    this.#limits = limits;
    this.#tpsTarget = limits.idleTps;
  }

  get state(): SimState {
    return this.#state;
  }

  /** Time in the current phase, s. */
  get stateT(): number {
    return this.#stateT;
  }

  /** Pulls started so far (the current one included). */
  get pulls(): number {
    return this.#pulls;
  }

  /** Throttle the current phase asks for, %. */
  get tpsTarget(): number {
    return this.#tpsTarget;
  }

  /** Starts a pull at time `t` from idle; SIM_NOT_IDLE otherwise, RangeError for a throttle outside 5–100 %. */
  trigger(t: number, tps = MAX_PULL_TPS): PullResult {
    if (!(tps >= MIN_PULL_TPS && tps <= MAX_PULL_TPS)) throw new RangeError(`tps ${tps}: a pull needs 5–100 %`);
    if (this.#state !== 'idle') {
      return { ok: false, code: 'SIM_NOT_IDLE', message: `a pull starts from idle; the dyno is in ${this.#state}` };
    }
    this.#pulls++;
    this.#lastPullStart = t;
    this.#tpsTarget = tps;
    this.#enter('pull');
    return { ok: true, state: this.#state };
  }

  /** `dt` has passed, now `t`; an auto-pull starts from idle when `autoPullS` has passed since the last pull started. */
  advance(t: number, dt: number, autoPullS: number | null): void {
    this.#stateT += dt;
    const idleLongEnough = this.#state === 'idle' && this.#stateT >= AUTO_PULL_MIN_IDLE_S;
    if (idleLongEnough && autoPullS && autoPullS > 0 && t - this.#lastPullStart >= autoPullS) this.trigger(t);
  }

  /** During a pull: how fast rpm rises (rpm/s) over the last `dt`; a slow rise accumulates stall time. */
  trackStall(rpmRate: number, dt: number): void {
    this.#stallT = this.#stateT > STALL_GRACE_S && rpmRate < this.#limits.stallRpmPerS ? this.#stallT + dt : 0;
  }

  /** Phase changes once the step's rpm is known: end of pull (rpm, stall, time limit), of decel, of cooldown. */
  settle(rpm: number, pullEndRpm: number, idleRpm: number): void {
    const { stallHoldS, maxPullS, cooldownS, idleTps } = this.#limits;
    const state = this.#state;
    if (state === 'pull' && (rpm >= pullEndRpm || this.#stallT >= stallHoldS || this.#stateT >= maxPullS)) {
      this.#tpsTarget = 0;
      this.#enter('decel');
    } else if (state === 'decel' && rpm <= idleRpm * DECEL_END_IDLE_MULTIPLE) {
      this.#tpsTarget = idleTps;
      this.#enter('cooldown');
    } else if (state === 'cooldown' && this.#stateT >= cooldownS) {
      this.#enter('idle');
    }
  }

  #enter(state: SimState): void {
    this.#state = state;
    this.#stateT = 0;
    this.#stallT = 0;
  }
}
