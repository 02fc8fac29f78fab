/** Provider clocks are u32 milliseconds: they wrap at 2^32. */
export const U32_CLOCK_WRAP = 0x1_0000_0000;

/** Provider-clock time (u32 ms since start) at which tick `n` (1-based) was due. */
export const tickTime = (n: number, rateHz: number): number => Math.round((n * 1000) / rateHz) % U32_CLOCK_WRAP;

/**
 * Paces the simulator's ticks to wall-clock time: timers fire late, so each timer callback runs every tick that has
 * fallen due since the start, at most `maxCatchUpMs` worth at once; older ones are skipped and counted. Each tick
 * carries its own time (start + tick × period), also when several are sent at once.
 */
export class TickPacer {
  readonly #rateHz: number;
  readonly #maxCatchUp: number;
  #ticks = 0;
  #skippedTicks = 0;

  constructor(rateHz: number, maxCatchUpMs: number) {
    this.#rateHz = rateHz;
    this.#maxCatchUp = Math.max(1, Math.ceil((maxCatchUpMs / 1000) * rateHz));
  }

  get ticks(): number {
    return this.#ticks;
  }

  get skippedTicks(): number {
    return this.#skippedTicks;
  }

  /** How many ticks to run now, `elapsedMs` after the start; those beyond the catch-up limit count as skipped. */
  due(elapsedMs: number): number {
    const due = Math.floor((elapsedMs / 1000) * this.#rateHz) - this.#ticks - this.#skippedTicks;
    const now = Math.min(due, this.#maxCatchUp);
    if (due > now) this.#skippedTicks += due - now;
    return now;
  }

  /** Ms from `elapsedMs` (since the start) until the next tick falls due (0 when it already has). */
  msUntilNext(elapsedMs: number): number {
    const next = ((this.#ticks + this.#skippedTicks + 1) * 1000) / this.#rateHz;
    return Math.max(0, Math.ceil(next - elapsedMs));
  }

  /** Counts one tick as run and returns its provider-clock time. */
  tick(): number {
    const ts = tickTime(this.#ticks + this.#skippedTicks + 1, this.#rateHz);
    this.#ticks++;
    return ts;
  }
}
