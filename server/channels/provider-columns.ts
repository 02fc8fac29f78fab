import { type HistoryLimits, ProviderHistory } from './provider-history.js';

/** Fields of a channel's row in ProviderColumns.live (its slot × LIVE_SIZE + field). */
export const LIVE = {
  count: 0,
  lastSeen: 1,
  lastValue: 2,
  lastTime: 3,
  /** Provider timestamp of the last sample. */
  lastPts: 4,
  /** Newest provider timestamp accepted (u32 ms), -1 before any: older samples beyond the window are stale. */
  newestTs: 5,
  /** +Infinity / -Infinity until a non-NaN value arrives. */
  min: 6,
  max: 7,
} as const;
/** One row per channel: 8 doubles, one cache line. */
export const LIVE_SIZE = 8;

/**
 * The per-sample state of one provider's channels, by slot: each channel's live numbers as one row of a shared
 * typed array, and all its samples in one ProviderHistory. The hot path touches these few arrays, in order, instead
 * of a typed array and a ring per channel scattered over the heap.
 */
export class ProviderColumns {
  readonly live: Float64Array;
  readonly history: ProviderHistory;
  #nextSlot = 0;

  constructor(
    readonly maxSlots: number,
    limits: HistoryLimits,
  ) {
    this.live = new Float64Array(maxSlots * LIVE_SIZE);
    this.history = new ProviderHistory(maxSlots, limits);
  }

  /** A fresh row for a new channel, or -1 when every slot is taken. */
  allocate(): number {
    if (this.#nextSlot >= this.maxSlots) return -1;
    const slot = this.#nextSlot++;
    const b = slot * LIVE_SIZE;
    this.live.fill(0, b, b + LIVE_SIZE);
    this.live[b + LIVE.newestTs] = -1;
    this.live[b + LIVE.min] = Number.POSITIVE_INFINITY;
    this.live[b + LIVE.max] = Number.NEGATIVE_INFINITY;
    return slot;
  }

  /** Every channel was removed: slots are handed out from 0 again and the history is empty. */
  reset(): void {
    this.#nextSlot = 0;
    this.history.clear();
  }
}
