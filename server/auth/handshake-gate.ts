import type { IncomingMessage } from 'node:http';
import type { RateLimiter } from '../shared/create-rate-limiter.js';
import { bearerToken } from './bearer-token.js';
import { clientAddress } from './client-address.js';
import { budgetKey } from './control-budget.js';
import type { AuthPolicy } from './create-auth-policy.js';

// The Engine.IO handshake is the first thing a client costs us: each accepted one holds a session (buffers, timers)
// until the client joins a namespace or the connect timeout closes it. Unchecked, one client made 286,341 long-polling
// handshakes in 44 s without a token (RSS 130 MB → 2 GB). Here, before Engine.IO allocates anything, a handshake is
// refused when it carries a bad token, when its address already spent its budget on failed authentications, or when
// too many handshakes are waiting — per address and in total. Operator-token holders (Authorization header) skip
// the waiting caps. The socket guard takes over once a client joins the namespace.

export interface HandshakeGateOptions {
  policy: AuthPolicy;
  limiter: RateLimiter;
  /** Engine.IO sessions that have not joined a namespace yet, in total. */
  maxPending: number;
  /** The same, per client address. */
  maxPendingPerAddress: number;
}

export type HandshakeRefusal = 'UNAUTHORIZED' | 'RATE_LIMITED' | 'TOO_MANY_PENDING';

export interface HandshakeGateStats {
  pending: number;
  pendingAddresses: number;
  accepted: number;
  refused: Record<HandshakeRefusal, number>;
}

/** What the gate needs of an Engine.IO session. */
export interface EngineConnection {
  readonly request: IncomingMessage;
  once(event: 'close', listener: () => void): unknown;
}

export interface EngineServerLike {
  on(event: 'connection', listener: (connection: EngineConnection) => void): unknown;
}

type AllowCallback = (message: string | null | undefined, success: boolean) => void;

export class HandshakeGate {
  readonly #options: HandshakeGateOptions;
  /** Sessions (and handshakes allowed this turn, see #reserve) per address; only addresses with one are kept. */
  readonly #byAddress = new Map<string, number>();
  readonly #pending = new Map<EngineConnection, string>();
  #total = 0;
  #accepted = 0;
  readonly #refused: Record<HandshakeRefusal, number> = { UNAUTHORIZED: 0, RATE_LIMITED: 0, TOO_MANY_PENDING: 0 };

  constructor(options: HandshakeGateOptions) {
    this.#options = options;
  }

  /** Socket.IO's `allowRequest` option (called for the first request of every Engine.IO session). */
  readonly allowRequest = (request: IncomingMessage, callback: AllowCallback): void => {
    const address = clientAddress(request.socket.remoteAddress);
    const refused = this.#check(address, bearerToken(request.headers.authorization));
    if (refused) {
      this.#refused[refused.code]++;
      callback(`${refused.code}: ${refused.message}`, false);
      return;
    }
    this.#accepted++;
    this.#reserve(address);
    callback(null, true);
  };

  #check(address: string, token: string | undefined): { code: HandshakeRefusal; message: string } | null {
    const { policy, limiter, maxPending, maxPendingPerAddress } = this.#options;
    if (token !== undefined) {
      const decision = policy.check('viewer', token);
      if (!decision.ok) {
        limiter.take(budgetKey('anonymous', address));
        return { code: 'UNAUTHORIZED', message: decision.message };
      }
      if (decision.role === 'operator') return null;
    }
    const rate = policy.viewerTokenRequired ? limiter.peek(budgetKey('anonymous', address)) : null;
    if (rate && !rate.ok) {
      const message = `too many failed authentications from ${address}; retry in ${rate.retryAfterS} s`;
      return { code: 'RATE_LIMITED', message };
    }
    const waiting = this.#byAddress.get(address) ?? 0;
    if (waiting >= maxPendingPerAddress) {
      const message = `${address} already has ${waiting} connections waiting to join (limit ${maxPendingPerAddress}); finish or close them`;
      return { code: 'TOO_MANY_PENDING', message };
    }
    if (this.#total >= maxPending) {
      const message = `${this.#total} connections are waiting to join (limit ${maxPending}); retry shortly`;
      return { code: 'TOO_MANY_PENDING', message };
    }
    return null;
  }

  /** Tracks every Engine.IO session until it joins (see joined()) or closes. */
  attach(engine: EngineServerLike): void {
    engine.on('connection', (connection) => {
      const address = clientAddress(connection.request.socket.remoteAddress);
      this.#pending.set(connection, address);
      this.#add(address, 1);
      connection.once('close', () => this.joined(connection));
    });
  }

  /** The session joined a namespace (or closed): it no longer counts as waiting. */
  joined(connection: EngineConnection): void {
    const address = this.#pending.get(connection);
    if (address === undefined) return;
    this.#pending.delete(connection);
    this.#add(address, -1);
  }

  stats(): HandshakeGateStats {
    return {
      pending: this.#pending.size,
      pendingAddresses: this.#byAddress.size,
      accepted: this.#accepted,
      refused: { ...this.#refused },
    };
  }

  /**
   * Engine.IO creates the session a few microtasks after allowing it, so a burst of handshakes in one turn would all
   * see the old count: each allowed handshake counts until the next turn, by then its session counts instead.
   */
  #reserve(address: string): void {
    this.#add(address, 1);
    setImmediate(() => this.#add(address, -1));
  }

  #add(address: string, delta: number): void {
    this.#total += delta;
    const count = (this.#byAddress.get(address) ?? 0) + delta;
    if (count > 0) this.#byAddress.set(address, count);
    else this.#byAddress.delete(address);
  }
}
