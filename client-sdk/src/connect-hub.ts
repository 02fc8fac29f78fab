import { BehaviorSubject, distinctUntilChanged, filter, firstValueFrom, map, Observable, Subject } from 'rxjs';
import { applyCatalogEvent } from './apply-catalog-event.js';
import { ConnectionTracker } from './connection-tracker.js';
import { type ChannelDebug, createChannelDebug } from './create-channel-debug.js';
import { createReplayApi } from './create-replay-api.js';
import { createRunAnalysisApi } from './create-run-analysis-api.js';
import { createRunCommandsApi } from './create-run-commands-api.js';
import { createRunsApi } from './create-runs-api.js';
import { createAnalysisApi } from './create-analysis-api.js';
import { createSessionsApi } from './create-sessions-api.js';
import type {
  AckError,
  CatalogView,
  ChannelSelector,
  Hello,
  Result,
  SourceGap,
  SubscribeOptions,
} from '@jetdrive-hub/client/contract';
import { checkHubUrl } from './describe-connect-error.js';
import { HubError } from './hub-error.js';
import { HubSubscriptions } from './hub-subscriptions.js';
import type { ConnectionState, Hub, HubBatch, HubLogger, HubOptions, HubSample } from './hub-types.js';
import { type HubSocket, openHubSocket } from './open-hub-socket.js';

export type { HubSocket };

export const DEFAULT_HUB_URL = 'http://127.0.0.1:5001';
const DEFAULT_RECONNECT_DELAY_MS = 500;
const DEFAULT_RECONNECT_DELAY_MAX_MS = 8_000;
const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;

const defaultLogger: HubLogger = {
  // The SDK core must not print to stdout (it may run inside a CLI that prints JSON lines); debug goes to stderr.
  debug: (message, ...details) => console.warn(message, ...details),
  warn: (message, ...details) => console.warn(message, ...details),
};

/** The client's parts, each with one job; connectHub wires them to the socket. */
interface HubParts {
  socket: HubSocket;
  connection: ConnectionTracker;
  subscriptions: HubSubscriptions;
  catalogState$: BehaviorSubject<CatalogView | null>;
  lagging$: BehaviorSubject<boolean>;
  gaps$: Subject<SourceGap>;
  requestTimeoutMs: number;
  debug: ChannelDebug | null;
}

function requester(requestTimeoutMs: number) {
  return <T>(send: (ack: (error: Error | null, result: Result<T>) => void) => void): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      send((error, result) => {
        if (error) reject(new HubError({ code: 'TIMEOUT', message: `no answer within ${requestTimeoutMs} ms` }));
        else if (result.ok) resolve(result.data);
        else reject(new HubError(result.error));
      });
    });
}

function refreshCatalog({ socket, requestTimeoutMs, catalogState$, debug }: HubParts): void {
  socket.timeout(requestTimeoutMs).emit('catalog:get', (error, result) => {
    if (error || !result.ok) return;
    catalogState$.next(result.data);
    debug?.onCatalog(result.data.channels);
  });
}

function listen(parts: HubParts): void {
  const { socket, connection, subscriptions, catalogState$, lagging$, debug } = parts;
  socket.on('connect', () => {
    lagging$.next(false);
    subscriptions.resubscribeAll();
    refreshCatalog(parts);
    connection.onConnect();
  });
  socket.on('hello', (hello) => connection.onHello(hello));
  socket.on('source:state', (source) => connection.onSourceState(source));
  socket.on('connect_error', (error) => connection.onConnectError(error));
  socket.on('disconnect', (reason) => {
    subscriptions.forgetServerState();
    connection.onDisconnect(reason);
  });
  socket.io.on('reconnect_attempt', (attempt) => connection.onReconnectAttempt(attempt));
  socket.on('viewer:evicted', (notice) => connection.onEvicted(`${notice.code}: ${notice.message}`));
  socket.on('viewer:lagging', (notice) => lagging$.next(notice.lagging));
  socket.on('source:gap', (gap) => parts.gaps$.next(gap));
  socket.on('stream:data', (frame) => subscriptions.onData(frame));
  socket.on('stream:backfill', (backfill) => subscriptions.onBackfill(backfill));
  socket.on('stream:channels', (change) => subscriptions.onChannels(change));
  socket.on('catalog:event', (event) => {
    const current = catalogState$.value;
    if (!current) return;
    const next = applyCatalogEvent(current, event);
    catalogState$.next(next);
    debug?.onCatalog(next.channels);
  });
}

/** One emission per sample of the batches of `batches$`. */
function eachSample(batches$: Observable<HubBatch>): Observable<HubSample> {
  return new Observable<HubSample>((subscriber) => {
    const inner = batches$.subscribe({
      next: (batch) => {
        for (const sample of batch.samples) subscriber.next(sample);
      },
      error: (error: unknown) => subscriber.error(error),
      complete: () => subscriber.complete(),
    });
    return () => inner.unsubscribe();
  });
}

function close({ socket, connection, subscriptions, catalogState$, lagging$, gaps$ }: HubParts): void {
  if (connection.closed) return;
  connection.close();
  subscriptions.completeAll();
  if (socket.connected) socket.disconnect();
  else {
    socket.disconnect();
    connection.announceClosed();
  }
  connection.state$.complete();
  catalogState$.complete();
  lagging$.complete();
  gaps$.complete();
}

/** The hub's hello once connected; a HubError at the first failure (or 'CLOSED'). */
function whenConnected(state$: Observable<ConnectionState>): Promise<Hello | null> {
  const settled = (state: ConnectionState) =>
    state.state === 'connected' ||
    state.state === 'stale' ||
    (state.state === 'disconnected' && (state.failure !== undefined || !state.willReconnect));
  const closed = () => new HubError({ code: 'CLOSED', message: 'the client was closed before it connected' });
  return firstValueFrom(state$.pipe(filter(settled))).then(
    (state) => {
      if (state.state === 'connected' || state.state === 'stale') return state.hello;
      if (state.state === 'disconnected' && state.failure) throw HubError.fromFailure(state.failure);
      throw closed();
    },
    (error: unknown) => {
      throw error instanceof HubError ? error : closed();
    },
  );
}

/**
 * Connects to a hub and keeps reconnecting. Throws a HubError ('INVALID_URL') at once when `url` is not an http(s) or
 * ws(s) URL; every other failure is told on `connection$` (with a typed `failure`) and by `whenConnected()`.
 */
export function connectHub(url: string = DEFAULT_HUB_URL, options: HubOptions = {}): Hub {
  const invalid = checkHubUrl(url);
  if (invalid) throw HubError.fromFailure(invalid);
  const reconnectDelayMs = options.reconnectDelayMs ?? DEFAULT_RECONNECT_DELAY_MS;
  const reconnectDelayMaxMs = options.reconnectDelayMaxMs ?? DEFAULT_RECONNECT_DELAY_MAX_MS;
  const requestTimeoutMs = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  const logger = options.logger ?? defaultLogger;
  const debug: ChannelDebug | null = options.debug ? createChannelDebug(logger, options.channelConfig) : null;
  const socket = openHubSocket(url, options, reconnectDelayMs, reconnectDelayMaxMs);
  const parts: HubParts = {
    socket,
    connection: new ConnectionTracker({
      socket,
      logger,
      reconnectDelayMs,
      reconnectDelayMaxMs,
      url,
      parser: options.parser ?? 'json',
    }),
    subscriptions: new HubSubscriptions({ socket, requestTimeoutMs, debug }),
    catalogState$: new BehaviorSubject<CatalogView | null>(null),
    lagging$: new BehaviorSubject<boolean>(false),
    gaps$: new Subject<SourceGap>(),
    requestTimeoutMs,
    debug,
  };
  listen(parts);
  const { subscriptions, catalogState$ } = parts;
  const request = requester(requestTimeoutMs);
  const samples$ = (selectors: readonly ChannelSelector[], subscribeOptions?: SubscribeOptions) =>
    subscriptions.samples$(selectors, subscribeOptions);
  const catalog$ = catalogState$.pipe(filter((view): view is CatalogView => view !== null));

  return {
    channel$: (selector, subscribeOptions) => eachSample(samples$([selector], subscribeOptions)),
    samples$,
    catalog$,
    channels$: catalog$.pipe(map((view) => view.channels)),
    providers$: catalog$.pipe(
      map((view) => view.providers),
      distinctUntilChanged((a, b) => JSON.stringify(a) === JSON.stringify(b)),
    ),
    connection$: parts.connection.state$.asObservable(),
    whenConnected: () => whenConnected(parts.connection.state$),
    lagging$: parts.lagging$.pipe(distinctUntilChanged()),
    resumed$: subscriptions.resumed$.asObservable(),
    gaps$: parts.gaps$.asObservable(),
    sessions: createSessionsApi({ socket, request, requestTimeoutMs }),
    runs: {
      ...createRunsApi({ url, token: options.token, socket }),
      ...createReplayApi({ socket, request, requestTimeoutMs }),
      ...createRunAnalysisApi({ url, token: options.token }),
      socket: createRunCommandsApi({ socket, request, requestTimeoutMs }),
    },
    analysis: createAnalysisApi({ socket, request, requestTimeoutMs }),
    catalog: () =>
      request<CatalogView>((ack) => socket.timeout(requestTimeoutMs).emit('catalog:get', ack)).then((view) => {
        catalogState$.next(view);
        return view;
      }),
    close: () => close(parts),
  };
}

export type { AckError };
