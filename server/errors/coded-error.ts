import type { WireError } from '@jetdrive-hub/client/contract';

// The one error base of the hub. Every module's error is a CodedError with a SCREAMING_SNAKE code from its own
// union, and every module says in one table which HTTP status each of its codes means. HTTP renders it as
// `{ success: false, error: { code, message, field? } }`, socket acks as `{ ok: false, error: { code, message, field? } }`.

/** code → HTTP status, one table per module. */
export type StatusTable<C extends string> = Readonly<Record<C, number>>;

export interface CodedErrorOptions {
  /** The payload / config field the error is about. */
  field?: string;
  /** Extra facts for HTTP clients (every validation issue, the allowed methods); never sent in socket acks. */
  details?: unknown;
  /** Extra response headers (Retry-After, WWW-Authenticate, Allow). */
  headers?: Readonly<Record<string, string>>;
  cause?: unknown;
}

export class CodedError<C extends string = string> extends Error {
  readonly code: C;
  /** HTTP status, from the module's status table. */
  readonly status: number;
  readonly field: string | undefined;
  readonly details: unknown;
  readonly headers: Readonly<Record<string, string>>;

  constructor(code: C, status: number, message: string, options: CodedErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.status = status;
    this.field = options.field;
    this.details = options.details;
    this.headers = options.headers ?? {};
  }
}

/** What every fault that is not a CodedError looks like on the wire (HTTP 500, socket acks): nothing about the inside. */
export const INTERNAL_ERROR: Readonly<WireError> = Object.freeze({
  code: 'INTERNAL_ERROR',
  message: 'internal server error',
});

/** The wire form of an error: a CodedError's own code, message and field; anything else is INTERNAL_ERROR. */
export function toWireError(error: unknown): WireError {
  if (error instanceof CodedError) {
    const wire: WireError = { code: error.code, message: error.message };
    if (error.field !== undefined) wire.field = error.field;
    return wire;
  }
  return { ...INTERNAL_ERROR };
}
