// The one error shape on the wire: HTTP bodies carry it as `{ success: false, error }`, socket acks as
// `{ ok: false, error }`. Nothing else is thrown over the wire.

/** Codes of the realtime gateway and the socket guard; modules add their own SCREAMING_SNAKE codes. */
export type RealtimeErrorCode =
  | 'INVALID_PAYLOAD'
  | 'TOO_MANY_SUBSCRIPTIONS'
  | 'TOO_MANY_STREAMS'
  | 'UNKNOWN_SUBSCRIPTION'
  | 'INVALID_SELECTOR'
  | 'UNAUTHORIZED'
  | 'FORBIDDEN'
  | 'RATE_LIMITED'
  | 'TOO_MANY_CONNECTIONS'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'UNAVAILABLE'
  | 'UNKNOWN_EVENT'
  | 'ACK_REQUIRED'
  | 'INTERNAL_ERROR';

export interface WireError {
  /** A RealtimeErrorCode, or a module's code (SCREAMING_SNAKE), e.g. SESSION_NOT_FOUND. */
  code: RealtimeErrorCode | (string & {});
  message: string;
  /** The payload field the error is about ("max_iterations", "selectors.0"), when there is one. */
  field?: string;
}

/** The error of a socket ack: the same shape as an HTTP error body's `error`. */
export type AckError = WireError;

/** Every command answers through its ack with this shape; nothing is thrown over the wire. */
export type Result<T> = { ok: true; data: T } | { ok: false; error: AckError };
export type Ack<T> = (result: Result<T>) => void;

/** An HTTP error body. `details` carries extra facts some errors have (every validation issue, the allowed methods). */
export interface HttpErrorBody {
  success: false;
  error: WireError & { details?: unknown };
}
