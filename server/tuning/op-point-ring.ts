// The recent operating points of an analysis (time, rpm, load, throttle), so an AFR reading can be paired with where
// the engine was when that mixture burnt (a wideband reads exhaust that left the cylinder some time ago) and the
// steady-state test can look one window further back. Bounded: its capacity comes from the delay, the window and the
// fastest sample rate accepted; an older point is overwritten, which is its purpose, not a loss.

export interface OpPoint {
  t: number;
  rpm: number;
  load: number;
  tps: number;
}

export class OpPointRing {
  readonly capacity: number;
  readonly #t: Float64Array;
  readonly #rpm: Float64Array;
  readonly #load: Float64Array;
  readonly #tps: Float64Array;
  /** Slot of the oldest point. */
  #head = 0;
  #size = 0;

  constructor(capacity: number) {
    if (!(Number.isInteger(capacity) && capacity >= 2)) throw new RangeError(`capacity ${capacity}: expected ≥ 2`);
    this.capacity = capacity;
    this.#t = new Float64Array(capacity);
    this.#rpm = new Float64Array(capacity);
    this.#load = new Float64Array(capacity);
    this.#tps = new Float64Array(capacity);
  }

  get size(): number {
    return this.#size;
  }

  /** Time of the newest point, or -Infinity when empty. */
  get newestT(): number {
    return this.#size === 0 ? Number.NEGATIVE_INFINITY : this.#t[this.#slot(this.#size - 1)];
  }

  clear(): void {
    this.#head = 0;
    this.#size = 0;
  }

  /** Appends a point; the caller keeps times non-decreasing. */
  push(t: number, rpm: number, load: number, tps: number): void {
    let slot: number;
    if (this.#size < this.capacity) {
      slot = this.#slot(this.#size);
      this.#size++;
    } else {
      slot = this.#head;
      this.#head = (this.#head + 1) % this.capacity;
    }
    this.#t[slot] = t;
    this.#rpm[slot] = rpm;
    this.#load[slot] = load;
    this.#tps[slot] = tps;
  }

  /**
   * The operating point at time `t`, linearly interpolated between the two points around it, into `out`. False when
   * `t` is older than the oldest point or newer than the newest, or when the two points around it are more than
   * `maxGapMs` apart (a hole in the data: nothing to interpolate from).
   */
  at(t: number, maxGapMs: number, out: OpPoint): boolean {
    const n = this.#size;
    if (n === 0 || t < this.#t[this.#head] || t > this.newestT) return false;
    // Last logical index with time ≤ t (binary search over the ring's logical order).
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.#t[this.#slot(mid)] <= t) lo = mid;
      else hi = mid - 1;
    }
    const a = this.#slot(lo);
    if (lo === n - 1 || this.#t[a] === t) return this.#copy(a, a, 0, t, out);
    const b = this.#slot(lo + 1);
    const span = this.#t[b] - this.#t[a];
    if (span > maxGapMs) return false;
    return this.#copy(a, b, (t - this.#t[a]) / span, t, out);
  }

  #copy(a: number, b: number, f: number, t: number, out: OpPoint): boolean {
    out.t = t;
    out.rpm = this.#rpm[a] + (this.#rpm[b] - this.#rpm[a]) * f;
    out.load = this.#load[a] + (this.#load[b] - this.#load[a]) * f;
    out.tps = this.#tps[a] + (this.#tps[b] - this.#tps[a]) * f;
    return true;
  }

  #slot(logical: number): number {
    return (this.#head + logical) % this.capacity;
  }
}
