import { FanOutDelivery } from './fan-out-delivery.js';
import type { FanOut, FanOutDeps, FanOutStats } from './fan-out-types.js';
import { LagHandling } from './lag-handling.js';
import { RoutingTable } from './routing-table.js';
import { StreamTable } from './stream-table.js';
import { ViewerTable } from './viewer-table.js';

export type {
  FanOut,
  FanOutDeps,
  FanOutError,
  FanOutStats,
  FanOutTransport,
  SubscribeOutcome,
} from './fan-out-types.js';

/**
 * The fan-out core, in parts: a routing table (channel key -> streams), stream lifecycle (StreamTable), delivery
 * (FanOutDelivery: samples into stream state, flushes, ticks, announcements), lag handling (LagHandling) and the
 * viewers with their subscriptions (ViewerTable). RxJS stays outside (one subscription to samples$); nothing here
 * allocates per sample per viewer.
 */
export function createFanOut(deps: FanOutDeps): FanOut {
  const { transport, options } = deps;
  const now = deps.now ?? Date.now;
  const routes = new RoutingTable();
  const delivery = new FanOutDelivery(transport, options.flushIntervalMs, options.maxPendingSamplesPerStream, now);
  const streams = new StreamTable({ registry: deps.registry, quantities: deps.quantities, routes, delivery, now });
  const lag = new LagHandling(transport, delivery);
  const viewers = new ViewerTable({ options, transport, streams, delivery, lag });

  function stats(): FanOutStats {
    let timers = 0;
    for (const stream of streams.values()) if (stream.timer !== null) timers++;
    return {
      viewers: viewers.size,
      subscriptions: viewers.subscriptionCount(),
      streams: streams.size,
      laggingViewers: lag.count,
      timers,
      ...delivery.counters,
      refusedSubscriptions: { ...viewers.refused },
      streamAddresses: viewers.addresses(),
    };
  }

  return {
    dispatch: (batch) => delivery.dispatch(batch, routes),
    addViewer: (viewerId, holder = { address: viewerId, exempt: false }) => viewers.add(viewerId, holder),
    removeViewer: (viewerId) => viewers.removeViewer(viewerId),
    subscribe: (viewerId, request) => viewers.subscribe(viewerId, request),
    unsubscribe: (viewerId, subscriptionId) => viewers.unsubscribe(viewerId, subscriptionId),
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
      for (const viewerId of viewers.ids()) viewers.removeViewer(viewerId);
      for (const stream of [...streams.values()]) streams.dispose(stream);
      delivery.close();
    },
  };
}
