import type { RunEndReason } from '@jetdrive-hub/client/contract';
import type { RunDetectionOptions } from './run-options.js';

// Automatic pull detection for one dyno provider, fed the newest engine speed (or drum speed) and throttle. Pure: it
// is told the time. A pull starts while speed is at or above the start level, rising, with the throttle open
// (so a roll-on from 4000 rpm starts it as well as a pull from idle), and ends when the throttle closes, speed
// falls for a while (the rider backs off, the brake comes on) or it has lasted too long. After an end it re-arms
// only once speed is back below the start level or the throttle closed, so one pull is one run.

export type DetectorEvent = { type: 'start'; at: number } | { type: 'end'; at: number; reason: RunEndReason };

export interface DetectorThresholds {
  startLevel: number;
  minRisePerS: number;
  decelPerS: number;
}

/** Rise and fall are judged over this window, ms (sample noise averages out). */
const SLOPE_WINDOW_MS = 200;

export class RunDetector {
  readonly #o: RunDetectionOptions;
  readonly #t: DetectorThresholds;
  #active = false;
  #armed = true;
  #startedAt = 0;
  #decelSince: number | null = null;
  // The reference point of the slope window.
  #refAt: number | null = null;
  #refLevel = 0;
  #slope = 0;

  constructor(options: RunDetectionOptions, thresholds: DetectorThresholds) {
    this.#o = options;
    this.#t = thresholds;
  }

  get active(): boolean {
    return this.#active;
  }

  /** `tps` null: the provider has no throttle channel (the throttle conditions are then not applied). */
  update(at: number, level: number, tps: number | null): DetectorEvent | null {
    this.#track(at, level);
    return this.#active ? this.#checkEnd(at, level, tps) : this.#checkStart(at, level, tps);
  }

  /** Ends an active pull from outside (provider offline, manual stop). */
  reset(): void {
    this.#active = false;
    this.#armed = false;
    this.#decelSince = null;
  }

  #track(at: number, level: number): void {
    if (this.#refAt === null || at < this.#refAt) {
      this.#refAt = at;
      this.#refLevel = level;
      return;
    }
    const dt = at - this.#refAt;
    if (dt >= SLOPE_WINDOW_MS) {
      this.#slope = ((level - this.#refLevel) * 1000) / dt;
      this.#refAt = at;
      this.#refLevel = level;
    }
  }

  #checkStart(at: number, level: number, tps: number | null): DetectorEvent | null {
    const throttleOpen = tps === null || tps >= this.#o.startTps;
    if (!this.#armed) {
      if (level < this.#t.startLevel || (tps !== null && tps < this.#o.endTps)) this.#armed = true;
      return null;
    }
    if (level >= this.#t.startLevel && throttleOpen && this.#slope >= this.#t.minRisePerS) {
      this.#active = true;
      this.#startedAt = at;
      this.#decelSince = null;
      return { type: 'start', at };
    }
    return null;
  }

  #checkEnd(at: number, level: number, tps: number | null): DetectorEvent | null {
    let reason: RunEndReason | null = null;
    if (tps !== null && tps < this.#o.endTps) reason = 'throttle_closed';
    else if (at - this.#startedAt >= this.#o.maxDurationS * 1000) reason = 'max_duration';
    else if (this.#slope <= -this.#t.decelPerS) {
      this.#decelSince ??= at;
      if (at - this.#decelSince >= this.#o.decelHoldMs) reason = 'decel';
    } else {
      this.#decelSince = null;
    }
    if (reason === null) return null;
    this.#active = false;
    this.#armed = level < this.#t.startLevel;
    this.#decelSince = null;
    return { type: 'end', at, reason };
  }
}
