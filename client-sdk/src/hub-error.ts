import type { AckError } from '@jetdrive-hub/client/contract';

/**
 * Why a connection to the hub failed, found by the client (the hub could not be reached or refused to talk) or said by
 * the hub (UNAUTHORIZED and the connection limits, passed on with the hub's code).
 */
export type ConnectionFailureCode =
  /** Nothing answers at the URL's host and port (connection refused, host or network unreachable, timed out). */
  | 'UNREACHABLE'
  /** The URL's host name does not resolve (DNS). */
  | 'HOST_NOT_FOUND'
  /** The URL is not an http(s):// or ws(s):// URL. */
  | 'INVALID_URL'
  /** The TLS handshake failed (https:// to a plain-HTTP hub, an untrusted or expired certificate). */
  | 'TLS_ERROR'
  /** Something answers at the URL, but not a jetdrive-hub Socket.IO endpoint. */
  | 'NOT_A_HUB'
  /** The hub dropped the connection before it joined: the parser (json / msgpack) differs from the hub's. */
  | 'WRONG_PARSER'
  /** The hub needs a viewer (or operator) token, or the token given is not valid. */
  | 'UNAUTHORIZED'
  /** The hub refused the connection for a limit (TOO_MANY_CONNECTIONS, RATE_LIMITED…); `hubCode` says which. */
  | 'REFUSED';

export interface ConnectionFailure {
  code: ConnectionFailureCode;
  /** What happened, naming the URL's host and port or the hub's reason. */
  message: string;
  /** What to do about it. */
  hint: string;
  /** The hub's own code when the hub refused (UNAUTHORIZED, TOO_MANY_CONNECTIONS, RATE_LIMITED, …). */
  hubCode?: string;
}

/**
 * A command the hub refused (the hub's code), one that timed out ('TIMEOUT') or was cut by a disconnect
 * ('DISCONNECTED'), or a connection that failed (a ConnectionFailureCode; `failure` has the hint).
 */
export class HubError extends Error {
  readonly code: string;
  /** The payload field the hub named, when it named one. */
  readonly field: string | undefined;
  /** Set when the error is a failed connection. */
  readonly failure: ConnectionFailure | undefined;

  constructor(error: AckError, failure?: ConnectionFailure) {
    super(error.message);
    this.name = 'HubError';
    this.code = error.code;
    this.field = error.field;
    this.failure = failure;
  }

  static fromFailure(failure: ConnectionFailure): HubError {
    return new HubError({ code: failure.code, message: `${failure.message}; ${failure.hint}` }, failure);
  }
}
