import { CodedError, type StatusTable } from '../errors/coded-error.js';

// The one error type of the sessions module; HTTP renders it with SESSION_ERROR_STATUS, socket acks with its code.

export type SessionErrorCode =
  | 'VALIDATION_FAILED'
  | 'SESSION_NOT_FOUND'
  | 'SESSION_NOT_RUNNING'
  | 'TOO_MANY_RUNNING'
  | 'REGISTRY_DISPOSED'
  | 'TOO_MANY_WATCHES';

/** HTTP status for each code: 429 for the running-sessions bound (retry later), 409 for a state conflict. */
export const SESSION_ERROR_STATUS: StatusTable<SessionErrorCode> = Object.freeze({
  VALIDATION_FAILED: 400,
  SESSION_NOT_FOUND: 404,
  SESSION_NOT_RUNNING: 409,
  TOO_MANY_RUNNING: 429,
  REGISTRY_DISPOSED: 503,
  TOO_MANY_WATCHES: 429,
});

export class SessionError extends CodedError<SessionErrorCode> {
  constructor(code: SessionErrorCode, message: string, details?: unknown, field?: string) {
    super(code, SESSION_ERROR_STATUS[code], message, { details, ...(field === undefined ? {} : { field }) });
  }
}
