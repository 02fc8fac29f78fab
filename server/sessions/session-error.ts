// The one error type of the sessions module; HTTP and Socket.IO map `code` to a status / an ack error.

export type SessionErrorCode =
  | 'VALIDATION_FAILED'
  | 'SESSION_NOT_FOUND'
  | 'SESSION_NOT_RUNNING'
  | 'TOO_MANY_RUNNING'
  | 'REGISTRY_DISPOSED'
  | 'TOO_MANY_WATCHES';

export class SessionError extends Error {
  readonly code: SessionErrorCode;
  readonly details: unknown;

  constructor(code: SessionErrorCode, message: string, details?: unknown) {
    super(message);
    this.name = 'SessionError';
    this.code = code;
    this.details = details;
  }
}

/** HTTP status for each code: 429 for the running-sessions bound (retry later), 409 for a state conflict. */
export const SESSION_ERROR_STATUS: Readonly<Record<SessionErrorCode, number>> = Object.freeze({
  VALIDATION_FAILED: 400,
  SESSION_NOT_FOUND: 404,
  SESSION_NOT_RUNNING: 409,
  TOO_MANY_RUNNING: 429,
  REGISTRY_DISPOSED: 503,
  TOO_MANY_WATCHES: 429,
});
