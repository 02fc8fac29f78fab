import type {
  DataFrame,
  ServerToClientEvents,
  StreamChannel,
  StreamDescriptor,
  SubscribeRequest,
  SubscribeResult,
} from '@jetdrive-hub/client/contract';
import type { ChannelMeta, ChannelRegistry, QuantityResolver, Sample, SampleBatch } from '../channels/types.js';
import { compactFloat } from './compact-float.js';
import { compileSelectors, usesQuantities } from './compile-selectors.js';
import { normalizeSelectors } from './normalize-selectors.js';
import type { RealtimeOptions } from './options.js';
import {
  buildLatestFrame,
  buildPendingFrame,
  claimIndex,
  createStreamState,
  type StreamState,
} from './stream-state.js';
import { type StreamHolder, StreamHoldings } from './stream-holdings.js';

// The fan-out core: a plain Map from channel key to the streams that want it, walked once per SampleBatch.
// RxJS stays outside (one subscription to samples$); nothing here allocates per sample per viewer.

type StreamEvent = 'stream:data' | 'stream:channels';

/** What the core needs from Socket.IO; the gateway implements it with rooms, unit tests with a recorder. */
export interface FanOutTransport {
  broadcast<E extends StreamEvent>(room: string, event: E, payload: Parameters<ServerToClientEvents[E]>[0]): void;
  send<E extends StreamEvent | 'stream:backfill'>(
    viewerId: string,
    event: E,
    payload: Parameters<ServerToClientEvents[E]>[0],
  ): void;
  join(viewerId: string, room: string): void;
  leave(viewerId: string, room: string): void;
}

export type FanOutError = {
  code: 'TOO_MANY_SUBSCRIPTIONS' | 'TOO_MANY_STREAMS' | 'UNKNOWN_SUBSCRIPTION';
  message: string;
};

export interface SubscribeOutcome {
  result: SubscribeResult;
  /** Sent by the caller right after the ack, before any later broadcast. */
  backfill: DataFrame[];
}

export interface FanOutStats {
  viewers: number;
  subscriptions: number;
  streams: number;
  laggingViewers: number;
  timers: number;
  samplesIn: number;
  framesBroadcast: number;
  /** Frames handed to viewers: each broadcast counts once per viewer in the room. */
  deliveredFrames: number;
  deliveredSamples: number;
  conflatedFrames: number;
  /** Frames a lagging viewer did not get (it receives the latest values instead). */
  droppedFrames: number;
  /** Samples dropped because a stream's pending buffer was full between two flushes. */
  droppedSamples: number;
  /** `stream:channels` messages sent (each coalesces every change of one stream since the previous one). */
  channelMessages: number;
  /** Subscriptions refused, by the cap that refused them. */
  refusedSubscriptions: Record<'subscriptions' | 'streams' | 'socketStreams' | 'addressStreams', number>;
  /** Client addresses holding at least one stream. */
  streamAddresses: number;
}

export interface FanOut {
  dispatch(batch: SampleBatch): void;
  /** `holder` says whose per-address stream cap the viewer's streams count against (default: its own id). */
  addViewer(viewerId: string, holder?: StreamHolder): void;
  removeViewer(viewerId: string): void;
  subscribe(
    viewerId: string,
    request: SubscribeRequest,
  ): { ok: true; data: SubscribeOutcome } | { ok: false; error: FanOutError };
  unsubscribe(viewerId: string, subscriptionId: string): { ok: true } | { ok: false; error: FanOutError };
  /** Re-evaluates one channel against every stream (added / renamed / removed / quantity change). */
  reconcileChannel(channel: ChannelMeta, removed: boolean): void;
  reconcileAll(channels: readonly ChannelMeta[], onlyQuantityStreams: boolean): void;
  /** Takes a viewer out of its rooms; from now on it only gets conflated catch-up frames. */
  setLagging(viewerId: string, lagging: boolean): void;
  /** Sends a lagging viewer the newest value of every channel that changed since its last catch-up. */
  catchUp(viewerId: string): number;
  isLagging(viewerId: string): boolean;
  stats(): FanOutStats;
  close(): void;
}

interface ViewerState {
  subscriptions: Map<string, StreamState>;
  lagging: Map<StreamState, number> | null;
}

interface Route {
  stream: StreamState;
  index: number;
}

export interface FanOutDeps {
  registry: Pick<ChannelRegistry, 'catalog' | 'history'>;
  quantities?: QuantityResolver;
  transport: FanOutTransport;
  options: Pick<
    RealtimeOptions,
    | 'flushIntervalMs'
    | 'maxSubscriptionsPerSocket'
    | 'maxStreams'
    | 'maxStreamsPerSocket'
    | 'maxStreamsPerAddress'
    | 'maxBackfillSamples'
    | 'backfillFrameRecords'
    | 'maxPendingSamplesPerStream'
  >;
  now?: () => number;
}

export function createFanOut(deps: FanOutDeps): FanOut {
  const { registry, quantities, transport, options } = deps;
  const now = deps.now ?? Date.now;
  const streamsByKey = new Map<string, StreamState>();
  const routes = new Map<string, Route[]>();
  const viewers = new Map<string, ViewerState>();
  const dirty = new Set<StreamState>();
  /** Streams with channel changes their viewers have not been told yet (see announce). */
  const changed = new Set<StreamState>();
  let nextStreamId = 1;
  let nextSubscriptionId = 1;
  let flushImmediate: ReturnType<typeof setImmediate> | null = null;
  let flushTimeout: ReturnType<typeof setTimeout> | null = null;
  let laggingCount = 0;
  const counters = {
    samplesIn: 0,
    framesBroadcast: 0,
    deliveredFrames: 0,
    deliveredSamples: 0,
    conflatedFrames: 0,
    droppedFrames: 0,
    droppedSamples: 0,
    channelMessages: 0,
  };
  const refusedSubscriptions: FanOutStats['refusedSubscriptions'] = {
    subscriptions: 0,
    streams: 0,
    socketStreams: 0,
    addressStreams: 0,
  };
  const holdings = new StreamHoldings({
    perSocket: options.maxStreamsPerSocket,
    perAddress: options.maxStreamsPerAddress,
  });

  function describeChannel(stream: StreamState, index: number, channel: ChannelMeta): StreamChannel {
    return {
      index,
      key: channel.key,
      providerId: channel.providerId,
      providerName: channel.providerName,
      channelId: channel.channelId,
      name: channel.name,
      displayName: channel.displayName,
      unit: channel.unitLabel,
      unitCode: channel.unit,
      quantity: quantities?.quantityOf(channel) ?? null,
      last: lastOf(stream, index, channel.key),
    };
  }

  function lastOf(stream: StreamState, index: number, key: string): [number, number, number] | null {
    if (stream.seqOf[index] > 0) return [stream.latestTime[index], stream.latestValue[index], stream.latestPts[index]];
    const history = registry.history(key);
    const last = history.length > 0 ? history[history.length - 1] : undefined;
    return last ? [last.time, compactFloat(last.value), last.providerTs] : null;
  }

  function addChannel(stream: StreamState, channel: ChannelMeta): StreamChannel {
    const index = claimIndex(stream);
    stream.indexOf.set(channel.key, index);
    const described = describeChannel(stream, index, channel);
    stream.channels[index] = described;
    let list = routes.get(channel.key);
    if (!list) {
      list = [];
      routes.set(channel.key, list);
    }
    list.push({ stream, index });
    return described;
  }

  function removeChannel(stream: StreamState, key: string, index: number): void {
    stream.indexOf.delete(key);
    stream.channels[index] = undefined;
    stream.freeIndexes.push(index);
    if (stream.periodDirty[index]) {
      stream.periodDirty[index] = false;
      stream.periodDirtyCount--;
    }
    const list = routes.get(key);
    if (!list) return;
    const at = list.findIndex((route) => route.stream === stream);
    if (at >= 0) list.splice(at, 1);
    if (list.length === 0) routes.delete(key);
  }

  function createStream(key: string, selectors: string[], maxHz: number | null, envelope: boolean): StreamState {
    const stream = createStreamState({
      id: nextStreamId++,
      key,
      selectors,
      maxHz,
      envelope,
      byQuantity: usesQuantities(selectors),
      matches: compileSelectors(selectors, quantities),
    });
    for (const channel of registry.catalog().channels) {
      if (stream.matches(channel)) addChannel(stream, channel);
    }
    if (maxHz !== null) {
      stream.nextTickAt = now();
      scheduleTick(stream);
    }
    streamsByKey.set(key, stream);
    return stream;
  }

  /**
   * Period timer aimed at absolute times (start + k × period), so a busy event loop does not stretch every period
   * and lower the delivered rate; after a long stall it skips ahead instead of bursting.
   */
  function scheduleTick(stream: StreamState): void {
    const period = 1000 / (stream.maxHz ?? 1);
    const at = now();
    stream.nextTickAt += period;
    if (stream.nextTickAt < at - period) stream.nextTickAt = at + period;
    stream.timer = setTimeout(
      () => {
        tick(stream);
        scheduleTick(stream);
      },
      Math.max(0, stream.nextTickAt - at),
    );
  }

  function disposeStream(stream: StreamState): void {
    if (stream.timer !== null) clearTimeout(stream.timer);
    stream.timer = null;
    for (const [key, index] of stream.indexOf) removeChannel(stream, key, index);
    dirty.delete(stream);
    changed.delete(stream);
    streamsByKey.delete(stream.key);
  }

  function broadcastFrame(stream: StreamState, frame: DataFrame, records: number): void {
    const inRoom = stream.viewers.size - stream.laggingViewers.size;
    counters.droppedFrames += stream.laggingViewers.size;
    if (inRoom === 0) return;
    // A frame may use indexes changed since the last message: viewers must know them first.
    announce(stream);
    transport.broadcast(stream.room, 'stream:data', frame);
    counters.framesBroadcast++;
    counters.deliveredFrames += inRoom;
    counters.deliveredSamples += records * inRoom;
  }

  function flushStream(stream: StreamState): void {
    if (stream.pending.length === 0) return;
    const frame = buildPendingFrame(stream);
    const records = stream.pending.length / 4;
    stream.pending = [];
    broadcastFrame(stream, frame, records);
  }

  function flush(): void {
    flushImmediate = null;
    flushTimeout = null;
    for (const stream of dirty) flushStream(stream);
    dirty.clear();
    for (const stream of [...changed]) announce(stream);
  }

  function scheduleFlush(): void {
    if (flushImmediate !== null || flushTimeout !== null) return;
    if (options.flushIntervalMs > 0) flushTimeout = setTimeout(flush, options.flushIntervalMs);
    else flushImmediate = setImmediate(flush);
  }

  function tick(stream: StreamState): void {
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
    if (frame) broadcastFrame(stream, frame, records);
  }

  function record(stream: StreamState, index: number, sample: Sample, value: number): void {
    const seq = ++stream.seq;
    stream.seqOf[index] = seq;
    stream.latestTime[index] = sample.time;
    stream.latestValue[index] = value;
    stream.latestPts[index] = sample.providerTs;
    if (stream.maxHz !== null) {
      if (!stream.periodDirty[index]) {
        stream.periodDirty[index] = true;
        stream.periodDirtyCount++;
      }
      if (value < stream.periodMin[index]) stream.periodMin[index] = value;
      if (value > stream.periodMax[index]) stream.periodMax[index] = value;
      return;
    }
    if (stream.pending.length >= options.maxPendingSamplesPerStream * 4) {
      counters.droppedSamples++;
      return;
    }
    stream.pending.push(index, sample.time, value, sample.providerTs);
    dirty.add(stream);
  }

  function dispatch(batch: SampleBatch): void {
    const samples = batch.samples;
    counters.samplesIn += samples.length;
    for (let i = 0; i < samples.length; i++) {
      const sample = samples[i];
      const list = routes.get(sample.key);
      if (list === undefined) continue;
      const value = compactFloat(sample.value);
      for (let r = 0; r < list.length; r++) record(list[r].stream, list[r].index, sample, value);
    }
    if (dirty.size > 0) scheduleFlush();
  }

  function describeStream(stream: StreamState): StreamDescriptor {
    const channels: StreamChannel[] = [];
    for (const [key, index] of stream.indexOf) {
      const current = stream.channels[index];
      if (!current) continue;
      channels.push({ ...current, last: lastOf(stream, index, key) });
    }
    return { id: stream.id, maxHz: stream.maxHz, envelope: stream.envelope, channels };
  }

  function buildBackfill(stream: StreamState, seconds: number): DataFrame[] {
    const since = now() - seconds * 1000;
    const spacing = stream.maxHz !== null ? 1000 / stream.maxHz : 0;
    const collected: { index: number; sample: Sample }[] = [];
    for (const [key, index] of stream.indexOf) {
      let lastKept = Number.NEGATIVE_INFINITY;
      for (const sample of registry.history(key, since)) {
        if (sample.time - lastKept < spacing) continue;
        lastKept = sample.time;
        collected.push({ index, sample });
      }
    }
    collected.sort((a, b) => a.sample.time - b.sample.time);
    const kept =
      collected.length > options.maxBackfillSamples ? collected.slice(-options.maxBackfillSamples) : collected;
    const frames: DataFrame[] = [];
    for (let start = 0; start < kept.length; start += options.backfillFrameRecords) {
      const chunk = kept.slice(start, start + options.backfillFrameRecords);
      const baseTime = chunk[0].sample.time;
      const basePts = chunk[0].sample.providerTs;
      const frame: DataFrame = [stream.id, baseTime, basePts];
      for (const { index, sample } of chunk) {
        const value = compactFloat(sample.value);
        frame.push(index, Math.round((sample.time - baseTime) * 1000) / 1000, value, sample.providerTs - basePts);
        if (stream.envelope) frame.push(value, value);
      }
      frames.push(frame);
    }
    return frames;
  }

  function subscribe(
    viewerId: string,
    request: SubscribeRequest,
  ): { ok: true; data: SubscribeOutcome } | { ok: false; error: FanOutError } {
    const viewer = viewers.get(viewerId);
    if (!viewer)
      return { ok: false, error: { code: 'UNKNOWN_SUBSCRIPTION', message: `viewer ${viewerId} is not connected` } };
    if (viewer.subscriptions.size >= options.maxSubscriptionsPerSocket) {
      refusedSubscriptions.subscriptions++;
      return {
        ok: false,
        error: {
          code: 'TOO_MANY_SUBSCRIPTIONS',
          message: `subscriptions: ${viewer.subscriptions.size} open, limit ${options.maxSubscriptionsPerSocket} per socket`,
        },
      };
    }
    const selectors = normalizeSelectors(request.selectors);
    const maxHz = request.maxHz ?? null;
    // An envelope only means something over a period.
    const envelope = maxHz !== null && request.envelope === true;
    const key = JSON.stringify([selectors, maxHz, envelope]);
    let stream = streamsByKey.get(key);
    if (!stream?.viewers.has(viewerId)) {
      const refused = holdings.refusal(viewerId, stream?.id ?? null);
      if (refused) {
        refusedSubscriptions[refused.cap === 'socket' ? 'socketStreams' : 'addressStreams']++;
        return { ok: false, error: { code: 'TOO_MANY_STREAMS', message: refused.message } };
      }
    }
    if (!stream) {
      if (streamsByKey.size >= options.maxStreams) {
        refusedSubscriptions.streams++;
        return {
          ok: false,
          error: {
            code: 'TOO_MANY_STREAMS',
            message: `streams: ${streamsByKey.size} distinct selections, limit ${options.maxStreams}`,
          },
        };
      }
      stream = createStream(key, selectors, maxHz, envelope);
    }
    // Pending samples and channel changes predate this viewer's snapshot: deliver them without it.
    flushStream(stream);
    dirty.delete(stream);
    announce(stream);
    const subscriptionId = `s${(nextSubscriptionId++).toString(36)}`;
    viewer.subscriptions.set(subscriptionId, stream);
    const count = stream.viewers.get(viewerId) ?? 0;
    stream.viewers.set(viewerId, count + 1);
    if (count === 0) {
      holdings.hold(viewerId, stream.id);
      if (viewer.lagging) {
        viewer.lagging.set(stream, stream.seq);
        stream.laggingViewers.add(viewerId);
      } else {
        transport.join(viewerId, stream.room);
      }
    }
    const backfill = request.backfill ? buildBackfill(stream, request.backfill) : [];
    return { ok: true, data: { result: { subscriptionId, stream: describeStream(stream) }, backfill } };
  }

  function release(viewerId: string, viewer: ViewerState, stream: StreamState): void {
    const count = stream.viewers.get(viewerId) ?? 0;
    if (count > 1) {
      stream.viewers.set(viewerId, count - 1);
      return;
    }
    stream.viewers.delete(viewerId);
    holdings.release(viewerId, stream.id);
    if (stream.laggingViewers.delete(viewerId)) viewer.lagging?.delete(stream);
    else transport.leave(viewerId, stream.room);
    if (stream.viewers.size === 0) disposeStream(stream);
  }

  function unsubscribe(viewerId: string, subscriptionId: string): { ok: true } | { ok: false; error: FanOutError } {
    const viewer = viewers.get(viewerId);
    const stream = viewer?.subscriptions.get(subscriptionId);
    if (!viewer || !stream) {
      return {
        ok: false,
        error: { code: 'UNKNOWN_SUBSCRIPTION', message: `subscriptionId ${subscriptionId} is not open on this socket` },
      };
    }
    viewer.subscriptions.delete(subscriptionId);
    release(viewerId, viewer, stream);
    return { ok: true };
  }

  function removeViewer(viewerId: string): void {
    const viewer = viewers.get(viewerId);
    if (!viewer) return;
    for (const stream of viewer.subscriptions.values()) release(viewerId, viewer, stream);
    viewer.subscriptions.clear();
    if (viewer.lagging) laggingCount--;
    viewers.delete(viewerId);
    holdings.removeViewer(viewerId);
  }

  /** Tells the stream's viewers, in one message, every channel change since they were last told. */
  function announce(stream: StreamState): void {
    changed.delete(stream);
    const change = stream.changes.take();
    if (!change) return;
    const message = { stream: stream.id, ...change };
    counters.channelMessages++;
    if (stream.viewers.size > stream.laggingViewers.size) transport.broadcast(stream.room, 'stream:channels', message);
    for (const viewerId of stream.laggingViewers) transport.send(viewerId, 'stream:channels', message);
  }

  function channelsChanged(stream: StreamState): void {
    changed.add(stream);
    scheduleFlush();
  }

  function reconcileStream(stream: StreamState, channel: ChannelMeta, removed: boolean): void {
    const index = stream.indexOf.get(channel.key);
    const matches = !removed && stream.matches(channel);
    if (matches && index === undefined) {
      stream.changes.add(addChannel(stream, channel));
      channelsChanged(stream);
    } else if (matches && index !== undefined) {
      const previous = stream.channels[index];
      const updated = describeChannel(stream, index, channel);
      stream.channels[index] = updated;
      if (
        previous &&
        previous.name === updated.name &&
        previous.displayName === updated.displayName &&
        previous.unit === updated.unit &&
        previous.quantity === updated.quantity
      ) {
        return;
      }
      stream.changes.update(updated);
      channelsChanged(stream);
    } else if (!matches && index !== undefined) {
      // Samples of the leaving channel go out under its index before the index can be given to another.
      flushStream(stream);
      removeChannel(stream, channel.key, index);
      stream.changes.remove(index);
      channelsChanged(stream);
    }
  }

  function reconcileChannel(channel: ChannelMeta, removed: boolean): void {
    for (const stream of streamsByKey.values()) reconcileStream(stream, channel, removed);
  }

  function reconcileAll(channels: readonly ChannelMeta[], onlyQuantityStreams: boolean): void {
    for (const stream of streamsByKey.values()) {
      if (onlyQuantityStreams && !stream.byQuantity) continue;
      for (const channel of channels) reconcileStream(stream, channel, false);
    }
  }

  function setLagging(viewerId: string, lagging: boolean): void {
    const viewer = viewers.get(viewerId);
    if (!viewer || (viewer.lagging !== null) === lagging) return;
    if (lagging) {
      viewer.lagging = new Map();
      laggingCount++;
      for (const stream of new Set(viewer.subscriptions.values())) {
        transport.leave(viewerId, stream.room);
        stream.laggingViewers.add(viewerId);
        viewer.lagging.set(stream, stream.seq);
      }
      return;
    }
    const lagged = viewer.lagging;
    if (lagged === null) return;
    // Flush first so the room's pending (older) samples do not reach this viewer after its catch-up frame.
    for (const stream of lagged.keys()) {
      flushStream(stream);
      dirty.delete(stream);
    }
    catchUp(viewerId);
    for (const stream of lagged.keys()) {
      stream.laggingViewers.delete(viewerId);
      transport.join(viewerId, stream.room);
    }
    viewer.lagging = null;
    laggingCount--;
  }

  function catchUp(viewerId: string): number {
    const viewer = viewers.get(viewerId);
    if (!viewer?.lagging) return 0;
    let sent = 0;
    for (const [stream, seen] of viewer.lagging) {
      announce(stream);
      const frame = buildLatestFrame(stream, (index) => stream.seqOf[index] > seen, false);
      viewer.lagging.set(stream, stream.seq);
      if (!frame) continue;
      transport.send(viewerId, 'stream:data', frame);
      counters.conflatedFrames++;
      sent++;
    }
    return sent;
  }

  function stats(): FanOutStats {
    let subscriptions = 0;
    for (const viewer of viewers.values()) subscriptions += viewer.subscriptions.size;
    let timers = 0;
    for (const stream of streamsByKey.values()) if (stream.timer !== null) timers++;
    return {
      viewers: viewers.size,
      subscriptions,
      streams: streamsByKey.size,
      laggingViewers: laggingCount,
      timers,
      ...counters,
      refusedSubscriptions: { ...refusedSubscriptions },
      streamAddresses: holdings.addresses(),
    };
  }

  return {
    dispatch,
    addViewer(viewerId, holder = { address: viewerId, exempt: false }) {
      if (viewers.has(viewerId)) return;
      viewers.set(viewerId, { subscriptions: new Map(), lagging: null });
      holdings.addViewer(viewerId, holder);
    },
    removeViewer,
    subscribe,
    unsubscribe,
    reconcileChannel,
    reconcileAll,
    setLagging,
    catchUp,
    isLagging: (viewerId) => viewers.get(viewerId)?.lagging != null,
    stats,
    close() {
      for (const viewerId of [...viewers.keys()]) removeViewer(viewerId);
      for (const stream of [...streamsByKey.values()]) disposeStream(stream);
      if (flushImmediate !== null) clearImmediate(flushImmediate);
      if (flushTimeout !== null) clearTimeout(flushTimeout);
      flushImmediate = null;
      flushTimeout = null;
    },
  };
}
