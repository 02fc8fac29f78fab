import type { SubscribeRequest } from '../../client-sdk/src/events.js';
import { FanOutDelivery } from './fan-out-delivery.js';
import type { FanOut, FanOutDeps, FanOutError, FanOutStats, SubscribeOutcome } from './fan-out-types.js';
import { LagHandling, type ViewerState } from './lag-handling.js';
import { normalizeSelectors } from './normalize-selectors.js';
import { RoutingTable } from './routing-table.js';
import type { StreamState } from './stream-state.js';
import { StreamHoldings } from './stream-holdings.js';
import { StreamTable } from './stream-table.js';

export type {
  FanOut,
  FanOutDeps,
  FanOutError,
  FanOutStats,
  FanOutTransport,
  SubscribeOutcome,
} from './fan-out-types.js';

type Outcome<T> = { ok: true; data: T } | { ok: false; error: FanOutError };

// The fan-out core, in parts: a routing table (channel key -> streams), stream lifecycle (StreamTable), delivery
// (FanOutDelivery: samples into stream state, flushes, ticks, announcements) and lag handling (LagHandling); this
// function keeps the viewers and their subscriptions. RxJS stays outside (one subscription to samples$); nothing
// here allocates per sample per viewer.
export function createFanOut(deps: FanOutDeps): FanOut {
  const { transport, options } = deps;
  const now = deps.now ?? Date.now;
  const routes = new RoutingTable();
  const delivery = new FanOutDelivery(transport, options.flushIntervalMs, options.maxPendingSamplesPerStream, now);
  const streams = new StreamTable({ registry: deps.registry, quantities: deps.quantities, routes, delivery, now });
  const lag = new LagHandling(transport, delivery);
  const viewers = new Map<string, ViewerState>();
  let nextSubscriptionId = 1;
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

  /** The stream for this request, created when new; refused by the subscription and stream caps. */
  function streamFor(viewerId: string, viewer: ViewerState, request: SubscribeRequest): Outcome<StreamState> {
    if (viewer.subscriptions.size >= options.maxSubscriptionsPerSocket) {
      refusedSubscriptions.subscriptions++;
      const message = `subscriptions: ${viewer.subscriptions.size} open, limit ${options.maxSubscriptionsPerSocket} per socket`;
      return { ok: false, error: { code: 'TOO_MANY_SUBSCRIPTIONS', message } };
    }
    const selectors = normalizeSelectors(request.selectors);
    const maxHz = request.maxHz ?? null;
    // An envelope only means something over a period.
    const envelope = maxHz !== null && request.envelope === true;
    const key = JSON.stringify([selectors, maxHz, envelope]);
    const stream = streams.get(key);
    if (!stream?.viewers.has(viewerId)) {
      const refused = holdings.refusal(viewerId, stream?.id ?? null);
      if (refused) {
        refusedSubscriptions[refused.cap === 'socket' ? 'socketStreams' : 'addressStreams']++;
        return { ok: false, error: { code: 'TOO_MANY_STREAMS', message: refused.message } };
      }
    }
    if (stream) return { ok: true, data: stream };
    if (streams.size >= options.maxStreams) {
      refusedSubscriptions.streams++;
      const message = `streams: ${streams.size} distinct selections, limit ${options.maxStreams}`;
      return { ok: false, error: { code: 'TOO_MANY_STREAMS', message } };
    }
    return { ok: true, data: streams.create(key, selectors, maxHz, envelope) };
  }

  function subscribe(viewerId: string, request: SubscribeRequest): Outcome<SubscribeOutcome> {
    const viewer = viewers.get(viewerId);
    if (!viewer)
      return { ok: false, error: { code: 'UNKNOWN_SUBSCRIPTION', message: `viewer ${viewerId} is not connected` } };
    const found = streamFor(viewerId, viewer, request);
    if (!found.ok) return found;
    const stream = found.data;
    // Pending samples and channel changes predate this viewer's snapshot: deliver them without it.
    delivery.flushStream(stream);
    delivery.announce(stream);
    const subscriptionId = `s${(nextSubscriptionId++).toString(36)}`;
    viewer.subscriptions.set(subscriptionId, stream);
    const count = stream.viewers.get(viewerId) ?? 0;
    stream.viewers.set(viewerId, count + 1);
    if (count === 0) {
      holdings.hold(viewerId, stream.id);
      if (viewer.lagging) lag.add(viewerId, viewer, stream);
      else transport.join(viewerId, stream.room);
    }
    const backfill = request.backfill
      ? streams.backfill(stream, request.backfill, options.maxBackfillSamples, options.backfillFrameRecords)
      : [];
    return { ok: true, data: { result: { subscriptionId, stream: streams.describe(stream) }, backfill } };
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
    if (stream.viewers.size === 0) streams.dispose(stream);
  }

  function unsubscribe(viewerId: string, subscriptionId: string): { ok: true } | { ok: false; error: FanOutError } {
    const viewer = viewers.get(viewerId);
    const stream = viewer?.subscriptions.get(subscriptionId);
    if (!viewer || !stream) {
      const message = `subscriptionId ${subscriptionId} is not open on this socket`;
      return { ok: false, error: { code: 'UNKNOWN_SUBSCRIPTION', message } };
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
    lag.remove(viewer);
    viewers.delete(viewerId);
    holdings.removeViewer(viewerId);
  }

  function stats(): FanOutStats {
    let subscriptions = 0;
    for (const viewer of viewers.values()) subscriptions += viewer.subscriptions.size;
    let timers = 0;
    for (const stream of streams.values()) if (stream.timer !== null) timers++;
    return {
      viewers: viewers.size,
      subscriptions,
      streams: streams.size,
      laggingViewers: lag.count,
      timers,
      ...delivery.counters,
      refusedSubscriptions: { ...refusedSubscriptions },
      streamAddresses: holdings.addresses(),
    };
  }

  return {
    dispatch: (batch) => delivery.dispatch(batch, routes),
    addViewer(viewerId, holder = { address: viewerId, exempt: false }) {
      if (viewers.has(viewerId)) return;
      viewers.set(viewerId, { subscriptions: new Map(), lagging: null });
      holdings.addViewer(viewerId, holder);
    },
    removeViewer,
    subscribe,
    unsubscribe,
    reconcileChannel: (channel, removed) => streams.reconcileChannel(channel, removed),
    reconcileAll: (channels, onlyQuantityStreams) => streams.reconcileAll(channels, onlyQuantityStreams),
    setLagging(viewerId, lagging) {
      const viewer = viewers.get(viewerId);
      if (viewer) lag.set(viewerId, viewer, lagging);
    },
    catchUp(viewerId) {
      const viewer = viewers.get(viewerId);
      return viewer ? lag.catchUp(viewerId, viewer) : 0;
    },
    isLagging: (viewerId) => viewers.get(viewerId)?.lagging != null,
    stats,
    close() {
      for (const viewerId of [...viewers.keys()]) removeViewer(viewerId);
      for (const stream of [...streams.values()]) streams.dispose(stream);
      delivery.close();
    },
  };
}
