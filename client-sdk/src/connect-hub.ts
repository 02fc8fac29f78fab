import { BehaviorSubject, distinctUntilChanged, filter, map, Observable, type Subscriber } from 'rxjs';
import { io, type Socket } from 'socket.io-client';
import * as msgpackParser from 'socket.io-msgpack-parser';
import { type ChannelDebug, createChannelDebug } from './create-channel-debug.js';
import { createSessionsApi } from './create-sessions-api.js';
import { decodeDataFrame, type StreamView, toHubSample } from './decode-data-frame.js';
import type {
  AckError,
  CatalogEventView,
  CatalogView,
  ChannelSelector,
  ClientToServerEvents,
  DataFrame,
  Hello,
  ProtocolVersion,
  Result,
  ServerToClientEvents,
  SubscribeOptions,
  SubscribeRequest,
  SubscribeResult,
} from './events.js';
import { HubError } from './hub-error.js';
import type { ConnectionState, Hub, HubBatch, HubLogger, HubOptions, HubSample } from './hub-types.js';

export type HubSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export const DEFAULT_HUB_URL = 'http://127.0.0.1:5001';

interface LocalSubscription {
  request: SubscribeRequest;
  subscriber: Subscriber<HubBatch>;
  /** Server subscription id on the current connection, null while (re)subscribing or disconnected. */
  serverId: string | null;
  stream: StreamView | null;
  /** Time of the newest sample delivered per channel key: resubscribing never repeats what was delivered. */
  lastTimes: Map<string, number>;
  /** Time of a 'last'/'backfill' sample per key, until the first live sample of that key arrives. */
  guards: Map<string, number>;
}

const defaultLogger: HubLogger = {
  // The SDK core must not print to stdout (it may run inside a CLI that prints JSON lines); debug goes to stderr.
  debug: (message, ...details) => console.warn(message, ...details),
  warn: (message, ...details) => console.warn(message, ...details),
};

const SAME_TIME_MS = 0.0005;
const HELLO_GRACE_MS = 1_000;
const PROTOCOL: ProtocolVersion = 1;

function jitter(delay: number): number {
  return Math.round(delay * (0.5 + Math.random()));
}

export function connectHub(url: string = DEFAULT_HUB_URL, options: HubOptions = {}): Hub {
  const reconnectDelayMs = options.reconnectDelayMs ?? 500;
  const reconnectDelayMaxMs = options.reconnectDelayMaxMs ?? 8_000;
  const requestTimeoutMs = options.requestTimeoutMs ?? 10_000;
  const logger = options.logger ?? defaultLogger;
  const debug: ChannelDebug | null = options.debug ? createChannelDebug(logger, options.channelConfig) : null;

  const socket: HubSocket = io(url, {
    transports: options.transports ?? ['websocket'],
    reconnectionDelay: reconnectDelayMs,
    reconnectionDelayMax: reconnectDelayMaxMs,
    randomizationFactor: 0.5,
    auth: options.token ? { token: options.token } : {},
    ...(options.parser === 'msgpack' ? { parser: msgpackParser } : {}),
  });

  const connection$ = new BehaviorSubject<ConnectionState>({ state: 'connecting', attempt: 0 });
  const catalogState$ = new BehaviorSubject<CatalogView | null>(null);
  const lagging$ = new BehaviorSubject<boolean>(false);
  const locals = new Set<LocalSubscription>();
  const streams = new Map<number, StreamView>();
  const byServerId = new Map<string, LocalSubscription>();
  let hello: Hello | null = null;
  let evictedReason: string | null = null;
  let closed = false;
  let generation = 0;
  let manualAttempt = 0;
  let manualTimer: ReturnType<typeof setTimeout> | null = null;
  let helloTimer: ReturnType<typeof setTimeout> | null = null;

  function request<T>(send: (ack: (error: Error | null, result: Result<T>) => void) => void): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      send((error, result) => {
        if (error) reject(new HubError({ code: 'TIMEOUT', message: `no answer within ${requestTimeoutMs} ms` }));
        else if (result.ok) resolve(result.data);
        else reject(new HubError(result.error));
      });
    });
  }

  function deliver(local: LocalSubscription, kind: HubBatch['kind'], samples: HubSample[]): void {
    const fresh: HubSample[] = [];
    for (const sample of samples) {
      const delivered = local.lastTimes.get(sample.key);
      if (kind === 'live') {
        // Only the first live sample after a 'last'/'backfill' delivery can repeat it (same period, same sample).
        const guard = local.guards.get(sample.key);
        if (guard !== undefined) {
          local.guards.delete(sample.key);
          if (sample.time <= guard + SAME_TIME_MS) continue;
        }
      } else {
        // After a reconnect the hub sends last values (or history) again; never repeat what was delivered.
        if (delivered !== undefined && sample.time <= delivered + SAME_TIME_MS) continue;
        local.guards.set(sample.key, sample.time);
      }
      local.lastTimes.set(sample.key, sample.time);
      fresh.push(sample);
    }
    if (fresh.length === 0) return;
    debug?.onBatch(fresh);
    local.subscriber.next({ receivedAt: Date.now(), kind, samples: fresh });
  }

  function attach(local: LocalSubscription, result: SubscribeResult): void {
    local.serverId = result.subscriptionId;
    byServerId.set(result.subscriptionId, local);
    let view = streams.get(result.stream.id);
    if (!view) {
      view = { id: result.stream.id, envelope: result.stream.envelope, channels: new Map() };
      streams.set(view.id, view);
    }
    for (const channel of result.stream.channels) view.channels.set(channel.index, channel);
    local.stream = view;
    if (local.request.backfill) return;
    const last: HubSample[] = [];
    for (const channel of result.stream.channels) {
      if (channel.last) last.push(toHubSample(channel, channel.last[0], channel.last[1], channel.last[2]));
    }
    last.sort((a, b) => a.time - b.time);
    deliver(local, 'last', last);
  }

  function subscribeOnServer(local: LocalSubscription): void {
    const at = generation;
    socket.timeout(requestTimeoutMs).emit('channel:subscribe', local.request, (error, result) => {
      if (!locals.has(local) || at !== generation) {
        // Torn down or reconnected meanwhile: make sure the server does not keep what we no longer want.
        if (!error && result.ok && at === generation)
          socket.emit('channel:unsubscribe', result.data.subscriptionId, () => {});
        return;
      }
      if (error) {
        if (socket.connected) subscribeOnServer(local);
        return;
      }
      if (!result.ok) {
        locals.delete(local);
        local.subscriber.error(new HubError(result.error));
        return;
      }
      attach(local, result.data);
    });
  }

  function release(local: LocalSubscription): void {
    locals.delete(local);
    if (local.serverId !== null) {
      byServerId.delete(local.serverId);
      if (socket.connected) socket.emit('channel:unsubscribe', local.serverId, () => {});
    }
    local.serverId = null;
    local.stream = null;
  }

  function forgetServerState(): void {
    generation++;
    streams.clear();
    byServerId.clear();
    for (const local of locals) {
      local.serverId = null;
      local.stream = null;
    }
  }

  function refreshCatalog(): void {
    socket.timeout(requestTimeoutMs).emit('catalog:get', (error, result) => {
      if (error || !result.ok) return;
      catalogState$.next(result.data);
      debug?.onCatalog(result.data.channels);
    });
  }

  function applyCatalogEvent(event: CatalogEventView): void {
    const current = catalogState$.value;
    if (!current) return;
    const next: CatalogView = { ...current, version: current.version + 1 };
    if ('channel' in event) {
      const others = current.channels.filter((channel) => channel.key !== event.channel.key);
      next.channels = event.type === 'channel:removed' ? others : [...others, event.channel];
    } else {
      next.providers = [...current.providers.filter((p) => p.hostId !== event.provider.hostId), event.provider];
    }
    catalogState$.next(next);
    debug?.onCatalog(next.channels);
  }

  socket.on('connect', () => {
    manualAttempt = 0;
    evictedReason = null;
    lagging$.next(false);
    forgetServerState();
    for (const local of locals) subscribeOnServer(local);
    refreshCatalog();
    // 'connected' is announced with the hub's hello, which follows the connect at once; a hub that never says hello
    // (older or foreign server) still counts as connected after a grace period.
    helloTimer = setTimeout(() => announceConnected(null), HELLO_GRACE_MS);
  });

  function announceConnected(received: Hello | null): void {
    if (helloTimer !== null) clearTimeout(helloTimer);
    helloTimer = null;
    if (received && received.protocol !== PROTOCOL) {
      logger.warn(`[jetdrive-hub] hub speaks protocol ${received.protocol}, this SDK ${PROTOCOL}: expect errors`);
    }
    if (received) hello = received;
    if (socket.connected && connection$.value.state !== 'connected') connection$.next({ state: 'connected', hello });
  }

  socket.on('hello', announceConnected);

  socket.on('disconnect', (reason) => {
    if (helloTimer !== null) clearTimeout(helloTimer);
    helloTimer = null;
    forgetServerState();
    const byServer = reason === 'io server disconnect';
    const willReconnect = !closed && reason !== 'io client disconnect';
    connection$.next({ state: 'disconnected', reason: closed ? 'closed' : (evictedReason ?? reason), willReconnect });
    // Socket.IO does not reconnect after a server-side disconnect (e.g. a slow-viewer eviction); we do, with backoff.
    if (byServer && !closed) scheduleManualReconnect();
  });

  socket.io.on('reconnect_attempt', (attempt) => {
    if (!closed) connection$.next({ state: 'connecting', attempt });
  });

  function scheduleManualReconnect(): void {
    const delay = jitter(Math.min(reconnectDelayMaxMs, reconnectDelayMs * 2 ** manualAttempt));
    manualAttempt++;
    manualTimer = setTimeout(() => {
      manualTimer = null;
      if (closed) return;
      connection$.next({ state: 'connecting', attempt: manualAttempt });
      socket.connect();
    }, delay);
  }

  socket.on('viewer:evicted', (notice) => {
    evictedReason = `${notice.code}: ${notice.message}`;
  });
  socket.on('viewer:lagging', (notice) => lagging$.next(notice.lagging));

  socket.on('stream:data', (frame: DataFrame) => {
    const view = streams.get(frame[0]);
    if (!view) return;
    const samples = decodeDataFrame(frame, view);
    for (const local of locals) if (local.stream === view) deliver(local, 'live', samples);
  });

  socket.on('stream:backfill', (backfill) => {
    const local = byServerId.get(backfill.subscriptionId);
    if (!local?.stream) return;
    deliver(local, 'backfill', decodeDataFrame(backfill.frame, local.stream));
  });

  socket.on('stream:channels', (change) => {
    const view = streams.get(change.stream);
    if (!view) return;
    for (const index of change.removed) view.channels.delete(index);
    for (const channel of change.added) view.channels.set(channel.index, channel);
  });

  socket.on('catalog:event', applyCatalogEvent);

  function samples$(
    selectors: readonly ChannelSelector[],
    subscribeOptions: SubscribeOptions = {},
  ): Observable<HubBatch> {
    return new Observable<HubBatch>((subscriber) => {
      const local: LocalSubscription = {
        request: { selectors: [...selectors], ...subscribeOptions },
        subscriber,
        serverId: null,
        stream: null,
        lastTimes: new Map(),
        guards: new Map(),
      };
      locals.add(local);
      if (socket.connected) subscribeOnServer(local);
      return () => release(local);
    });
  }

  function channel$(selector: ChannelSelector, subscribeOptions?: SubscribeOptions): Observable<HubSample> {
    return new Observable<HubSample>((subscriber) => {
      const inner = samples$([selector], subscribeOptions).subscribe({
        next: (batch) => {
          for (const sample of batch.samples) subscriber.next(sample);
        },
        error: (error: unknown) => subscriber.error(error),
        complete: () => subscriber.complete(),
      });
      return () => inner.unsubscribe();
    });
  }

  const catalog$ = catalogState$.pipe(filter((view): view is CatalogView => view !== null));

  const hub: Hub = {
    channel$,
    samples$,
    catalog$,
    channels$: catalog$.pipe(map((view) => view.channels)),
    providers$: catalog$.pipe(
      map((view) => view.providers),
      distinctUntilChanged((a, b) => JSON.stringify(a) === JSON.stringify(b)),
    ),
    connection$: connection$.asObservable(),
    lagging$: lagging$.pipe(distinctUntilChanged()),
    sessions: createSessionsApi({ socket, request, requestTimeoutMs }),
    catalog: () =>
      request<CatalogView>((ack) => socket.timeout(requestTimeoutMs).emit('catalog:get', ack)).then((view) => {
        catalogState$.next(view);
        return view;
      }),
    close() {
      if (closed) return;
      closed = true;
      if (manualTimer !== null) clearTimeout(manualTimer);
      if (helloTimer !== null) clearTimeout(helloTimer);
      for (const local of [...locals]) {
        release(local);
        local.subscriber.complete();
      }
      if (socket.connected) socket.disconnect();
      else {
        socket.disconnect();
        connection$.next({ state: 'disconnected', reason: 'closed', willReconnect: false });
      }
      connection$.complete();
      catalogState$.complete();
      lagging$.complete();
    },
  };
  return hub;
}

export type { AckError };
