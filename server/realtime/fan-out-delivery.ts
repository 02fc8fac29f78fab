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

/** A maxHz frame this close to its period's end goes now: Node timers fire on whole milliseconds, and late. */
const MAX_LEADING_SLACK_MS = 1;

/**
 * Delivery: samples of a batch into each wanting stream's state (every-sample streams queue them, maxHz streams keep
 * the latest value and period envelope), frames broadcast per flush (every event-loop turn or flushIntervalMs) or,
 * for maxHz streams, at the flush after a sample when the stream's period has passed, else at the period's end
 * (leading edge), and `stream:channels` announcements always ahead of the frames that use their indexes.
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
  /** maxHz streams whose period has passed: their frame goes at the next flush. */
  readonly #due = new Set<StreamState>();
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
      if (!stream.periodQueued) this.#queuePeriod(stream);
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
    for (const stream of [...this.#due]) this.#tick(stream);
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

  /** A new maxHz stream: its first sample goes out at the next flush. */
  startTicks(stream: StreamState): void {
    stream.nextTickAt = Number.NEGATIVE_INFINITY;
  }

  /**
   * A maxHz stream has a new sample. Leading edge: when its period since the last frame has passed (on its grid,
   * within a little slack for timer granularity), the frame goes at the next flush — the same event-loop turn's batches
   * together — so data arriving at or below the viewer's rate is not held for a fixed grid; only faster data waits
   * (conflated to the latest value and envelope) on a timer for the period's end.
   */
  #queuePeriod(stream: StreamState): void {
    stream.periodQueued = true;
    const period = 1000 / (stream.maxHz ?? 1);
    const wait = stream.nextTickAt - this.#now();
    if (wait <= Math.min(MAX_LEADING_SLACK_MS, period / 20)) {
      this.#due.add(stream);
      this.#scheduleFlush();
      return;
    }
    stream.timer = setTimeout(() => {
      stream.timer = null;
      this.#tick(stream);
    }, wait);
  }

  /**
   * Sends the period's frame and moves the stream's grid on by one period, so a frame sent late within its period
   * does not push the later ones back (the delivered rate holds on a busy event loop); after a stall, or when the
   * stream was idle, the grid starts again from now instead of letting frames burst.
   */
  #tick(stream: StreamState): void {
    stream.periodQueued = false;
    this.#due.delete(stream);
    const period = 1000 / (stream.maxHz ?? 1);
    const at = this.#now();
    stream.nextTickAt = stream.nextTickAt + period > at ? stream.nextTickAt + period : at + period;
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
    stream.periodQueued = false;
    this.#due.delete(stream);
    this.#dirty.delete(stream);
    this.#changed.delete(stream);
  }

  close(): void {
    if (this.#flushImmediate !== null) clearImmediate(this.#flushImmediate);
    if (this.#flushTimeout !== null) clearTimeout(this.#flushTimeout);
    this.#flushImmediate = null;
    this.#flushTimeout = null;
    this.#due.clear();
  }
}
