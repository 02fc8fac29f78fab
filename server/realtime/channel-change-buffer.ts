import type { StreamChannel } from '@jetdrive-hub/client/contract';

/**
 * A stream's channel changes since its viewers were last told, coalesced into one `stream:channels` message per
 * flush: a rogue host that cleared and re-announced 128 channels 400 times used to cost every `*` viewer 102,400
 * messages. Indexes are reused (see claimIndex in stream-state.ts), so one message may free an index and give it to
 * another channel; viewers apply `removed` before `added`. A channel added and removed again before the message
 * goes out is never mentioned.
 */
export class ChannelChangeBuffer {
  readonly #added = new Map<number, StreamChannel>();
  readonly #removed = new Set<number>();
  /** Indexes added since the last message that held no announced channel before: removing them undoes the add. */
  readonly #fresh = new Set<number>();

  get empty(): boolean {
    return this.#added.size === 0 && this.#removed.size === 0;
  }

  /** A channel took `channel.index` (a new index, or one freed earlier). */
  add(channel: StreamChannel): void {
    if (!this.#removed.has(channel.index)) this.#fresh.add(channel.index);
    this.#added.set(channel.index, channel);
  }

  /** The channel at `channel.index` changed its metadata (latest wins). */
  update(channel: StreamChannel): void {
    this.#added.set(channel.index, channel);
  }

  remove(index: number): void {
    this.#added.delete(index);
    if (this.#fresh.delete(index)) return;
    this.#removed.add(index);
  }

  /** The coalesced change (then empty again), or null when there is nothing to tell. */
  take(): { added: StreamChannel[]; removed: number[] } | null {
    if (this.empty) return null;
    const change = { added: [...this.#added.values()], removed: [...this.#removed] };
    this.#added.clear();
    this.#removed.clear();
    this.#fresh.clear();
    return change;
  }
}
