import type { DataFrame } from '@jetdrive-hub/client/contract';
import type { SampleBatch } from '../channels/types.js';
import { compactFloat } from './compact-float.js';
import type { FanOutStats, FanOutTransport } from './fan-out-types.js';
import type { RoutingTable } from './routing-table.js';
import { buildLatestFrame, buildPendingFrame, PENDING_RECORD_SIZE, type StreamState } from './stream-state.js';

export type DeliveryCounters = Pick<
  FanOutStats,
  | 'samplesIn'
  | 'framesBroadcast'
  | 'deliveredFrames'
  | 'deliveredSamples'
  | 'conflatedFrames'
  | 'droppedFrames'
  | 'droppedSamples'
  | 'channelMessages'
>;

/**
 * Delivery: samples of a batch into each wanting stream's state (every-sample streams queue them, maxHz streams keep
 * the latest value and period envelope), frames broadcast per flush (every event-loop turn or flushIntervalMs) or
 * per period tick, and `stream:channels` announcements always ahead of the frames that use their indexes.
 */
export class FanOutDelivery {
  readonly counters: DeliveryCounters = {
    samplesIn: 0,
    framesBroadcast: 0,
    deliveredFrames: 0,
    deliveredSamples: 0,
    conflatedFrames: 0,
    droppedFrames: 0,
    droppedSamples: 0,
    channelMessages: 0,
  };
  readonly #dirty = new Set<StreamState>();
  /** Streams with channel changes their viewers have not been told yet (see announce). */
  readonly #changed = new Set<StreamState>();
  #flushImmediate: ReturnType<typeof setImmediate> | null = null;
  #flushTimeout: ReturnType<typeof setTimeout> | null = null;
  readonly #transport: FanOutTransport;
  readonly #flushIntervalMs: number;
  readonly #maxPending: number;
  readonly #now: () => number;

  constructor(
    transport: FanOutTransport,
    flushIntervalMs: number,
    maxPendingSamplesPerStream: number,
    now: () => number,
  ) {
    this.#transport = transport;
    this.#flushIntervalMs = flushIntervalMs;
    this.#maxPending = maxPendingSamplesPerStream * PENDING_RECORD_SIZE;
    this.#now = now;
  }

  /** The hot path: one batch's columns through the routing table. */
  dispatch(batch: SampleBatch, routes: RoutingTable): void {
    const n = batch.count;
    const { keys, times, values, providerTs } = batch;
    this.counters.samplesIn += n;
    for (let i = 0; i < n; i++) {
      const list = routes.get(keys[i]);
      if (list === undefined) continue;
      const value = compactFloat(values[i]);
      for (let r = 0; r < list.length; r++) this.#record(list[r].stream, list[r].index, times[i], value, providerTs[i]);
    }
    if (this.#dirty.size > 0) this.#scheduleFlush();
  }

  #record(stream: StreamState, index: number, time: number, value: number, pts: number): void {
    stream.seqOf[index] = ++stream.seq;
    stream.latestTime[index] = time;
    stream.latestValue[index] = value;
    stream.latestPts[index] = pts;
    if (stream.maxHz !== null) {
      if (!stream.periodDirty[index]) {
        stream.periodDirty[index] = true;
        stream.periodDirtyCount++;
      }
      if (value < stream.periodMin[index]) stream.periodMin[index] = value;
      if (value > stream.periodMax[index]) stream.periodMax[index] = value;
      return;
    }
    if (stream.pending.length >= this.#maxPending) {
      this.counters.droppedSamples++;
      return;
    }
    stream.pending.push(index, time, value, pts);
    this.#dirty.add(stream);
  }

  /** Sends the stream's queued samples now (before its indexes change or a viewer's snapshot). */
  flushStream(stream: StreamState): void {
    this.#dirty.delete(stream);
    if (stream.pending.length === 0) return;
    const frame = buildPendingFrame(stream);
    const records = stream.pending.length / PENDING_RECORD_SIZE;
    stream.pending = [];
    this.#broadcastFrame(stream, frame, records);
  }

  #broadcastFrame(stream: StreamState, frame: DataFrame, records: number): void {
    const inRoom = stream.viewers.size - stream.laggingViewers.size;
    this.counters.droppedFrames += stream.laggingViewers.size;
    if (inRoom === 0) return;
    // A frame may use indexes changed since the last message: viewers must know them first.
    this.announce(stream);
    this.#transport.broadcast(stream.room, 'stream:data', frame);
    this.counters.framesBroadcast++;
    this.counters.deliveredFrames += inRoom;
    this.counters.deliveredSamples += records * inRoom;
  }

  #flush(): void {
    this.#flushImmediate = null;
    this.#flushTimeout = null;
    for (const stream of [...this.#dirty]) this.flushStream(stream);
    this.#dirty.clear();
    for (const stream of [...this.#changed]) this.announce(stream);
  }

  #scheduleFlush(): void {
    if (this.#flushImmediate !== null || this.#flushTimeout !== null) return;
    if (this.#flushIntervalMs > 0) this.#flushTimeout = setTimeout(() => this.#flush(), this.#flushIntervalMs);
    else this.#flushImmediate = setImmediate(() => this.#flush());
  }

  /** Tells the stream's viewers, in one message, every channel change since they were last told. */
  announce(stream: StreamState): void {
    this.#changed.delete(stream);
    const change = stream.changes.take();
    if (!change) return;
    const message = { stream: stream.id, ...change };
    this.counters.channelMessages++;
    if (stream.viewers.size > stream.laggingViewers.size)
      this.#transport.broadcast(stream.room, 'stream:channels', message);
    for (const viewerId of stream.laggingViewers) this.#transport.send(viewerId, 'stream:channels', message);
  }

  /** The stream's channel set changed: its viewers hear of it at the next flush (or before its next frame). */
  channelsChanged(stream: StreamState): void {
    this.#changed.add(stream);
    this.#scheduleFlush();
  }

  /**
   * Period timer aimed at absolute times (start + k × period), so a busy event loop does not stretch every period
   * and lower the delivered rate; after a long stall it skips ahead instead of bursting.
   */
  startTicks(stream: StreamState): void {
    stream.nextTickAt = this.#now();
    this.#scheduleTick(stream);
  }

  #scheduleTick(stream: StreamState): void {
    const period = 1000 / (stream.maxHz ?? 1);
    const at = this.#now();
    stream.nextTickAt += period;
    if (stream.nextTickAt < at - period) stream.nextTickAt = at + period;
    stream.timer = setTimeout(
      () => {
        this.#tick(stream);
        this.#scheduleTick(stream);
      },
      Math.max(0, stream.nextTickAt - at),
    );
  }

  #tick(stream: StreamState): void {
    if (stream.periodDirtyCount === 0) return;
    const frame = buildLatestFrame(stream, (index) => stream.periodDirty[index], true);
    const records = stream.periodDirtyCount;
    for (let index = 0; index < stream.periodDirty.length; index++) {
      if (!stream.periodDirty[index]) continue;
      stream.periodDirty[index] = false;
      stream.periodMin[index] = Number.POSITIVE_INFINITY;
      stream.periodMax[index] = Number.NEGATIVE_INFINITY;
    }
    stream.periodDirtyCount = 0;
    if (frame) this.#broadcastFrame(stream, frame, records);
  }

  /** The stream is gone: no flush, tick or announcement for it. */
  forget(stream: StreamState): void {
    if (stream.timer !== null) clearTimeout(stream.timer);
    stream.timer = null;
    this.#dirty.delete(stream);
    this.#changed.delete(stream);
  }

  close(): void {
    if (this.#flushImmediate !== null) clearImmediate(this.#flushImmediate);
    if (this.#flushTimeout !== null) clearTimeout(this.#flushTimeout);
    this.#flushImmediate = null;
    this.#flushTimeout = null;
  }
}
