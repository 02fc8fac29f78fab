import type { SimFrame } from '../engine/sim-frame.js';

// A wideband reads the exhaust some time after the mixture burnt (gas transport to the sensor, the sensor and its
// controller): the simulated dyno sends its AFR and lambda channels that late, as a real dyno's wideband does, so a
// live analysis has a lag to compensate. A ring of the last delay × rate readings; the model's frames are untouched.

const STOICH_AFR = 14.7;

export class WidebandDelay {
  readonly #front: Float64Array;
  readonly #rear: Float64Array;
  #next = 0;
  #filled = 0;

  constructor(delayMs: number, rateHz: number) {
    if (!(delayMs >= 0 && delayMs <= 2000)) throw new RangeError(`widebandDelayMs ${delayMs}: expected 0 to 2000`);
    const n = Math.round((delayMs * rateHz) / 1000);
    this.#front = new Float64Array(n);
    this.#rear = new Float64Array(n);
  }

  /** The frame as the wideband reports it: AFR (and lambda) of `delay` ago; before that much history, the oldest. */
  delay(frame: SimFrame): SimFrame {
    const n = this.#front.length;
    if (n === 0) return frame;
    const slot = this.#next;
    // Full: the slot about to be overwritten holds the reading of n ticks ago. Filling: the oldest one (slot 0).
    const from = this.#filled === n ? slot : 0;
    const afrFront = this.#filled === 0 ? frame.afrFront : this.#front[from];
    const afrRear = this.#filled === 0 ? frame.afrRear : this.#rear[from];
    this.#front[slot] = frame.afrFront;
    this.#rear[slot] = frame.afrRear;
    this.#next = (slot + 1) % n;
    this.#filled = Math.min(n, this.#filled + 1);
    return { ...frame, afrFront, afrRear, lambda: afrFront / STOICH_AFR };
  }
}
