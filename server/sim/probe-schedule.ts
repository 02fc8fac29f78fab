/**
 * How many probe datagrams go out on each dyno tick. The probe rides the dyno's clock: slower than the dyno, it sends
 * on every `rateHz / probeRateHz`-th tick; faster, it sends several per tick, carrying the remainder over.
 */
export class ProbeSchedule {
  readonly #slower: boolean;
  readonly #every: number;
  readonly #dt: number;
  readonly #probeDt: number;
  #due = 0;

  constructor(rateHz: number, probeRateHz: number) {
    this.#slower = probeRateHz <= rateHz;
    this.#every = Math.max(1, Math.round(rateHz / probeRateHz));
    this.#dt = 1 / rateHz;
    this.#probeDt = 1 / probeRateHz;
  }

  /** Probe datagrams due on dyno tick `tick` (1-based, ticks run so far). */
  sendsAt(tick: number): number {
    if (this.#slower) return tick % this.#every === 0 ? 1 : 0;
    let sends = 0;
    this.#due += this.#dt;
    while (this.#due >= this.#probeDt) {
      this.#due -= this.#probeDt;
      sends++;
    }
    return sends;
  }
}
