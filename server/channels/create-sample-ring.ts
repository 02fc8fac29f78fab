import type { Sample } from './types.js';

export interface SampleRing {
  /** Samples held. */
  readonly size: number;
  push(time: number, value: number, providerTs: number): void;
  /** Drops samples with time < cutoff (oldest first). */
  trimBefore(cutoff: number): void;
  /** Oldest first, optionally only time >= sinceMs; Sample objects are built on demand. */
  toArray(sinceMs?: number): Sample[];
  /** Time of the oldest / newest sample, NaN when empty. */
  oldestTime(): number;
  newestTime(): number;
}

export interface SampleRingIdentity {
  key: string;
  providerId: number;
  channelId: number;
}

/**
 * Recent samples of one channel: at most `capacity`, none older than `maxAgeMs` behind the newest. Stored in one
 * typed array, not as Sample objects: hundreds of thousands of retained small objects written into old-space
 * arrays made every push pay for write barriers and promotion (measured ~8x slower on the ingest path). Storage
 * grows by doubling up to capacity, so quiet channels cost a few slots each.
 */
export function createSampleRing(id: SampleRingIdentity, capacity: number, maxAgeMs: number): SampleRing {
  return new TypedSampleRing(id, capacity, maxAgeMs);
}

// A class, not a closure per ring: the hot call site `ring.push` then sees one target and gets inlined
// (per-ring closures made it megamorphic, ~25 ns per sample).
class TypedSampleRing implements SampleRing {
  private length: number;
  /** Interleaved [time, value, providerTs] per slot: one cache line per push, not three. */
  private data: Float64Array;
  private head = 0;
  /**
   * The newest time that needs no trim: the oldest sample's time (when last looked at) + maxAgeMs. The oldest slot
   * only moves forward, so below this bound push skips reading it: that read of the ring's far end, a cache miss per
   * sample, was most of the ingest hot path's time in the profile.
   */
  private trimAfter = Number.NEGATIVE_INFINITY;
  size = 0;

  constructor(
    private readonly id: SampleRingIdentity,
    private readonly capacity: number,
    private readonly maxAgeMs: number,
  ) {
    this.length = Math.min(8, Math.max(1, capacity));
    this.data = new Float64Array(this.length * 3);
  }

  private grow(): void {
    const next = Math.min(this.capacity, this.length * 2);
    const d = new Float64Array(next * 3);
    for (let i = 0; i < this.size; i++) {
      const j = ((this.head + i) % this.length) * 3;
      d[i * 3] = this.data[j];
      d[i * 3 + 1] = this.data[j + 1];
      d[i * 3 + 2] = this.data[j + 2];
    }
    this.data = d;
    this.length = next;
    this.head = 0;
  }

  trimBefore(cutoff: number): void {
    while (this.size > 0 && this.data[this.head * 3] < cutoff) {
      this.head = this.head + 1 === this.length ? 0 : this.head + 1;
      this.size--;
    }
  }

  push(time: number, value: number, providerTs: number): void {
    if (this.capacity <= 0) return;
    if (this.size === this.length) {
      if (this.length < this.capacity) this.grow();
      else {
        this.head = this.head + 1 === this.length ? 0 : this.head + 1;
        this.size--;
      }
    }
    let tail = this.head + this.size;
    if (tail >= this.length) tail -= this.length;
    const o = tail * 3;
    const data = this.data;
    data[o] = time;
    data[o + 1] = value;
    data[o + 2] = providerTs;
    this.size++;
    if (time <= this.trimAfter) return;
    if (data[this.head * 3] < time - this.maxAgeMs) this.trimBefore(time - this.maxAgeMs);
    this.trimAfter = data[this.head * 3] + this.maxAgeMs;
  }

  toArray(sinceMs?: number): Sample[] {
    const out: Sample[] = [];
    for (let i = 0; i < this.size; i++) {
      const o = ((this.head + i) % this.length) * 3;
      if (sinceMs !== undefined && this.data[o] < sinceMs) continue;
      out.push({
        key: this.id.key,
        providerId: this.id.providerId,
        channelId: this.id.channelId,
        value: this.data[o + 1],
        time: this.data[o],
        providerTs: this.data[o + 2],
      });
    }
    return out;
  }

  oldestTime(): number {
    return this.size > 0 ? this.data[this.head * 3] : Number.NaN;
  }

  newestTime(): number {
    return this.size > 0 ? this.data[((this.head + this.size - 1) % this.length) * 3] : Number.NaN;
  }
}
