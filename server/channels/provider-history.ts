import type { Sample } from './types.js';

/** Identity of one channel's samples, as a history query returns them. */
export interface HistoryChannel {
  key: string;
  providerId: number;
  channelId: number;
  /** The channel's slot in its provider's columns. */
  slot: number;
}

/** What a history keeps: per channel at most `maxPerChannel` samples, none older than `maxAgeMs` behind the newest. */
/** Records to append, as columns (the first n are read). */
export interface HistoryBatch {
  slots: Uint16Array;
  times: Float64Array;
  values: Float64Array | Float32Array;
  pts: Uint32Array;
}

export interface HistoryLimits {
  maxPerChannel: number;
  maxAgeMs: number;
}

const INITIAL_CAPACITY = 1024;
/** Record numbers are renumbered from the oldest held before they reach this, so they stay small integers. */
const RENUMBER_AT = 2 ** 30;
/** Samples walked back to estimate a channel's rate: enough for a steady rate, cheap for a catalog of thousands. */
const RATE_WALK = 32;
/** lastAbs of a slot that has not written since the last clear; GONE: it has, but no record of it is held. */
const NEVER = -1;
const GONE = -2;
/** prev[] value of a channel's first record in the history. */
const NO_PREVIOUS = 0;

/**
 * The recent samples of all channels of one provider, in arrival order, in one ring of columns (slot, time, value,
 * provider timestamp) — not one ring per channel. A datagram's samples are written to consecutive positions, so the
 * hot path streams through memory; per-channel rings put each sample on a different cache line and most of the
 * ingest's time went to those misses. Each record links to its channel's previous record (a distance back), so one
 * channel's history is walked without scanning the others.
 *
 * Capacity grows by doubling up to maxPerChannel × channels in use, so the provider's total matches per-channel
 * rings of maxPerChannel when channels send at the same rate; a faster channel may use a slower one's share.
 */
export class ProviderHistory {
  #capacity = 0;
  /** Records held; the oldest is at #head. */
  size = 0;
  #head = 0;
  /** The absolute number of the next record (records ever written, renumbered at RENUMBER_AT). */
  #written = 0;
  /** maxPerChannel × slots that have written since the last clear: the capacity it may grow to. */
  #limit = 0;
  #times = new Float64Array(0);
  /** float32: every value the registry writes came off the wire as one (a push of a double is rounded). */
  #values = new Float32Array(0);
  #pts = new Uint32Array(0);
  /** Distance back, in records, to the same channel's previous record (NO_PREVIOUS for none). */
  #prev = new Uint32Array(0);
  /** Absolute number of each slot's newest record (NEVER, GONE: none); older than the oldest held: none either. */
  readonly #lastAbs: Int32Array;
  /** push()'s one-record batch. */
  readonly #one: HistoryBatch = {
    slots: new Uint16Array(1),
    times: new Float64Array(1),
    values: new Float64Array(1),
    pts: new Uint32Array(1),
  };
  /** The newest time that needs no trim (the oldest record's time + maxAgeMs, when last looked at). */
  #trimAfter = Number.NEGATIVE_INFINITY;

  constructor(
    maxSlots: number,
    private readonly limits: HistoryLimits,
  ) {
    this.#lastAbs = new Int32Array(maxSlots).fill(NEVER);
  }

  /** Appends one sample of `slot`. */
  push(slot: number, time: number, value: number, providerTs: number): void {
    const one = this.#one;
    one.slots[0] = slot;
    one.times[0] = time;
    one.values[0] = value;
    one.pts[0] = providerTs;
    this.append(one, 1);
  }

  /**
   * Appends the first `n` records of `batch` in order (the hot path: one call per datagram). Room is made once for
   * all of them and the columns are copied in sequence. `newSlots`: how many of the batch's slots write for the
   * first time since the last clear, when the caller knows (the channel table does: their sample count was 0);
   * otherwise the batch is scanned for them.
   */
  append(batch: HistoryBatch, n: number, newSlots?: number): void {
    if (n === 0) return;
    if (newSlots === undefined) this.#countNewSlots(batch.slots, n);
    else this.#limit += newSlots * this.limits.maxPerChannel;
    let first = 0;
    if (n > this.#capacity - this.size) first = this.#makeRoom(n, batch.times[n - 1]);
    const capacity = this.#capacity;
    let pos = this.#head + this.size;
    if (pos >= capacity) pos -= capacity;
    // The columns in locals: the loop runs per sample, and a field read per column per record was a third of it.
    const { slots, times, values, pts } = batch;
    const toTimes = this.#times;
    const toValues = this.#values;
    const toPts = this.#pts;
    const toPrev = this.#prev;
    const last = this.#lastAbs;
    let abs = this.#written;
    for (let i = first; i < n; i++, abs++) {
      const slot = slots[i];
      const previous = last[slot];
      toTimes[pos] = times[i];
      toValues[pos] = values[i];
      toPts[pos] = pts[i];
      toPrev[pos] = previous < 0 ? NO_PREVIOUS : abs - previous;
      last[slot] = abs;
      if (++pos === capacity) pos = 0;
    }
    this.#written = abs;
    this.size += n - first;
    const newest = times[n - 1];
    if (newest > this.#trimAfter) this.#trimOld(newest);
    if (this.#written >= RENUMBER_AT) this.#renumber();
  }

  /** Slots writing for the first time since the last clear raise the limit by their share. */
  #countNewSlots(slots: Uint16Array, n: number): void {
    const last = this.#lastAbs;
    for (let i = 0; i < n; i++) {
      if (last[slots[i]] !== NEVER) continue;
      last[slots[i]] = GONE;
      this.#limit += this.limits.maxPerChannel;
    }
  }

  /** Drops records with time < cutoff (oldest first). */
  trimBefore(cutoff: number): void {
    while (this.size > 0 && this.#times[this.#head] < cutoff) this.#dropOldest();
  }

  /** Forgets everything (the provider's channels were removed); slots may be reused from 0. */
  clear(): void {
    this.size = 0;
    this.#head = 0;
    this.#lastAbs.fill(NEVER);
    this.#limit = 0;
    this.#trimAfter = Number.NEGATIVE_INFINITY;
  }

  /** The channel's samples, oldest first, at most maxPerChannel, optionally only time >= sinceMs. */
  toArray(ch: HistoryChannel, sinceMs = Number.NEGATIVE_INFINITY): Sample[] {
    const out: Sample[] = [];
    this.#walk(ch.slot, this.limits.maxPerChannel, (pos) => {
      if (this.#times[pos] < sinceMs) return false;
      out.push({
        key: ch.key,
        providerId: ch.providerId,
        channelId: ch.channelId,
        value: this.#values[pos],
        time: this.#times[pos],
        providerTs: this.#pts[pos],
      });
      return true;
    });
    return out.reverse();
  }

  /** Samples per second over the channel's recent records (up to RATE_WALK of them), 0 with fewer than two. */
  rateHz(slot: number): number {
    let newest = Number.NaN;
    let oldest = Number.NaN;
    let n = 0;
    this.#walk(slot, Math.min(RATE_WALK, this.limits.maxPerChannel), (pos) => {
      if (n === 0) newest = this.#times[pos];
      oldest = this.#times[pos];
      n++;
      return true;
    });
    const span = newest - oldest;
    return n > 1 && span > 0 ? ((n - 1) * 1000) / span : 0;
  }

  /** Visits the slot's records newest first, at most `max`, while `visit` returns true. */
  #walk(slot: number, max: number, visit: (pos: number) => boolean): void {
    let abs = this.#lastAbs[slot];
    const oldestAbs = this.#written - this.size;
    for (let n = 0; n < max && abs >= oldestAbs && abs >= 0; n++) {
      const pos = this.#positionOf(abs);
      if (!visit(pos)) return;
      const back = this.#prev[pos];
      if (back === NO_PREVIOUS) return;
      abs -= back;
    }
  }

  #positionOf(abs: number): number {
    const fromHead = abs - (this.#written - this.size);
    const pos = this.#head + fromHead;
    return pos >= this.#capacity ? pos - this.#capacity : pos;
  }

  /**
   * Room for `n` more records: grows (doubling) while under the limit and the oldest record is still wanted, then
   * drops the oldest. Returns how many of the `n` to skip (a batch larger than the whole capacity keeps its newest).
   */
  #makeRoom(n: number, time: number): number {
    const limit = this.#limit;
    const oldestWanted = this.size === 0 || this.#times[this.#head] >= time - this.limits.maxAgeMs;
    if (this.#capacity < limit && oldestWanted) {
      let capacity = Math.max(INITIAL_CAPACITY, this.#capacity);
      while (capacity < this.size + n && capacity < limit) capacity *= 2;
      this.#grow(Math.min(limit, capacity));
    }
    const skip = Math.max(0, n - this.#capacity);
    const excess = this.size + (n - skip) - this.#capacity;
    if (excess > 0) {
      this.#head = (this.#head + excess) % this.#capacity;
      this.size -= excess;
    }
    return skip;
  }

  #grow(capacity: number): void {
    const copy = <T extends Uint32Array | Float32Array | Float64Array>(from: T, to: T): T => {
      for (let i = 0; i < this.size; i++) {
        const j = this.#head + i;
        to[i] = from[j >= this.#capacity ? j - this.#capacity : j];
      }
      return to;
    };
    this.#times = copy(this.#times, new Float64Array(capacity));
    this.#values = copy(this.#values, new Float32Array(capacity));
    this.#pts = copy(this.#pts, new Uint32Array(capacity));
    this.#prev = copy(this.#prev, new Uint32Array(capacity));
    this.#head = 0;
    this.#capacity = capacity;
  }

  #dropOldest(): void {
    this.#head = this.#head + 1 === this.#capacity ? 0 : this.#head + 1;
    this.size--;
  }

  /** Record numbers restart from the oldest held; slots whose newest record is gone have none. */
  #renumber(): void {
    const shift = this.#written - this.size;
    this.#written -= shift;
    const last = this.#lastAbs;
    for (let i = 0; i < last.length; i++)
      last[i] = last[i] >= shift ? last[i] - shift : last[i] === NEVER ? NEVER : GONE;
  }

  #trimOld(time: number): void {
    const cutoff = time - this.limits.maxAgeMs;
    if (this.#times[this.#head] < cutoff) this.trimBefore(cutoff);
    this.#trimAfter = this.size > 0 ? this.#times[this.#head] + this.limits.maxAgeMs : Number.NEGATIVE_INFINITY;
  }
}
