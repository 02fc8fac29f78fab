import { BehaviorSubject } from 'rxjs';
import { type Hello, PROTOCOL_VERSION, type SourceState } from '@jetdrive-hub/client/contract';
import { type ConnectErrorLike, describeConnectError, wrongParserFailure } from './describe-connect-error.js';
import type { ConnectionFailure } from './hub-error.js';
import type { ConnectionState, HubLogger, WireParser } from './hub-types.js';
import type { HubSocket } from './open-hub-socket.js';

/** A hub that never says hello (older or foreign server) counts as connected after this long. */
const HELLO_GRACE_MS = 1_000;

/** ±50 % around `delay`. */
function jitter(delay: number): number {
  return Math.round(delay * (0.5 + Math.random()));
}

export interface ConnectionTrackerOptions {
  socket: HubSocket;
  logger: HubLogger;
  reconnectDelayMs: number;
  reconnectDelayMaxMs: number;
  url: string;
  parser: WireParser;
}

/**
 * The client's connection state (`connection$`): 'connected' once the hub's hello arrives (or after a grace period),
 * the reason of a disconnect (an eviction notice names it), and the backoff reconnect after a server-side disconnect,
 * which Socket.IO does not retry by itself.
 */
export class ConnectionTracker {
  readonly state$ = new BehaviorSubject<ConnectionState>({ state: 'connecting', attempt: 0 });
  readonly #socket: HubSocket;
  readonly #logger: HubLogger;
  readonly #reconnectDelayMs: number;
  readonly #reconnectDelayMaxMs: number;
  #hello: Hello | null = null;
  /** The hub's data source, when it said it is not live (cluster edges). */
  #source: SourceState | null = null;
  #evictedReason: string | null = null;
  #closed = false;
  #manualAttempt = 0;
  #manualTimer: ReturnType<typeof setTimeout> | null = null;
  #helloTimer: ReturnType<typeof setTimeout> | null = null;
  /** The socket joined the hub's namespace on this connection (a close before it means the hub refused the packets). */
  #joined = false;
  readonly #url: string;
  readonly #parser: WireParser;

  constructor(options: ConnectionTrackerOptions) {
    this.#socket = options.socket;
    this.#logger = options.logger;
    this.#reconnectDelayMs = options.reconnectDelayMs;
    this.#reconnectDelayMaxMs = options.reconnectDelayMaxMs;
    this.#url = options.url;
    this.#parser = options.parser;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** The socket connected: 'connected' follows with the hub's hello, or after HELLO_GRACE_MS without one. */
  onConnect(): void {
    this.#manualAttempt = 0;
    this.#evictedReason = null;
    this.#joined = true;
    this.#helloTimer = setTimeout(() => this.onHello(null), HELLO_GRACE_MS);
  }

  onHello(received: Hello | null): void {
    this.#clearHelloTimer();
    if (received && received.protocol !== PROTOCOL_VERSION) {
      this.#logger.warn(
        `[jetdrive-hub] hub speaks protocol ${received.protocol}, this SDK ${PROTOCOL_VERSION}: expect errors`,
      );
    }
    if (received) this.#hello = received;
    if (received) this.#source = received.sourceState ?? null;
    const state = this.state$.value.state;
    if (this.#socket.connected && state !== 'connected' && state !== 'stale') this.#announceJoined();
  }

  /** The hub's `source:state`: 'stale' while its source is not live, 'connected' again when it is. */
  onSourceState(source: SourceState): void {
    this.#source = source;
    const state = this.state$.value.state;
    if (state === 'connected' || state === 'stale') this.#announceJoined();
  }

  #announceJoined(): void {
    const source = this.#source;
    if (source && source.state !== 'live') this.state$.next({ state: 'stale', hello: this.#hello, source });
    else this.state$.next({ state: 'connected', hello: this.#hello });
  }

  onEvicted(reason: string): void {
    this.#evictedReason = reason;
  }

  /**
   * The connection failed before it joined: the hub unreachable, a refusal (UNAUTHORIZED…) or a TLS error. Socket.IO
   * retries transport failures by itself; a refusal by the hub stands until the client changes something.
   */
  onConnectError(error: ConnectErrorLike): void {
    if (this.#closed) return;
    const failure = describeConnectError(error, this.#url);
    this.#fail(failure, failure.code !== 'UNAUTHORIZED' && failure.code !== 'REFUSED');
  }

  #fail(failure: ConnectionFailure, willReconnect: boolean): void {
    this.state$.next({
      state: 'disconnected',
      reason: `${failure.code}: ${failure.message}`,
      willReconnect,
      failure,
    });
  }

  onReconnectAttempt(attempt: number): void {
    if (!this.#closed) this.state$.next({ state: 'connecting', attempt });
  }

  onDisconnect(reason: string): void {
    this.#clearHelloTimer();
    const joined = this.#joined;
    this.#joined = false;
    if (!joined && !this.#closed && reason === 'transport close') {
      // Socket.IO closes a connection whose packets it cannot decode: the CONNECT packet was in the other parser.
      this.#fail(wrongParserFailure(this.#url, this.#parser), true);
      return;
    }
    const byServer = reason === 'io server disconnect';
    const willReconnect = !this.#closed && reason !== 'io client disconnect';
    const shown = this.#closed ? 'closed' : (this.#evictedReason ?? reason);
    this.state$.next({ state: 'disconnected', reason: shown, willReconnect });
    // Socket.IO does not reconnect after a server-side disconnect (e.g. a slow-viewer eviction); we do, with backoff.
    if (byServer && !this.#closed) this.#scheduleManualReconnect();
  }

  /** Stops the timers; later disconnects report 'closed' and never reconnect. */
  close(): void {
    this.#closed = true;
    if (this.#manualTimer !== null) clearTimeout(this.#manualTimer);
    this.#clearHelloTimer();
  }

  /** The last state of a closed client whose socket was not connected (no 'disconnect' event will say it). */
  announceClosed(): void {
    this.state$.next({ state: 'disconnected', reason: 'closed', willReconnect: false });
  }

  #clearHelloTimer(): void {
    if (this.#helloTimer !== null) clearTimeout(this.#helloTimer);
    this.#helloTimer = null;
  }

  #scheduleManualReconnect(): void {
    const delay = jitter(Math.min(this.#reconnectDelayMaxMs, this.#reconnectDelayMs * 2 ** this.#manualAttempt));
    this.#manualAttempt++;
    this.#manualTimer = setTimeout(() => {
      this.#manualTimer = null;
      if (this.#closed) return;
      this.state$.next({ state: 'connecting', attempt: this.#manualAttempt });
      this.#socket.connect();
    }, delay);
  }
}
