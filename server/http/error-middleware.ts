import type { HttpErrorBody } from '@jetdrive-hub/client/contract';
import type { Middleware } from 'koa';
import { z } from 'zod';
import { CodedError, INTERNAL_ERROR } from '../errors/coded-error.js';
import { createLogger } from '../log.js';
import { CODE_BY_STATUS } from './error-codes.js';
import { HttpError } from './http-error.js';
import { validationError } from './validate.js';

// First in the chain, and the only place that writes an error body: every failure leaves as
// `{ success: false, error: { code, message, field?, details? } }` with the status of its module's table, and no
// stack trace leaves the server (it goes to the log instead). Routes, authorization and the dashboard throw.

const log = createLogger('http');

/** Errors raised by middleware we do not own (body parser, Koa's ctx.throw): they carry a status. */
interface StatusError {
  status: number;
  expose?: boolean;
  message: string;
  type?: string;
}

function isStatusError(error: unknown): error is StatusError {
  return error instanceof Error && typeof (error as { status?: unknown }).status === 'number';
}

/** Whatever was thrown, as one CodedError; anything unknown is a 500 that says nothing about the inside. */
export function toCodedError(error: unknown, bodyLimit: number): CodedError {
  if (error instanceof CodedError) return error;
  if (error instanceof z.ZodError) return validationError('request', error);
  if (isStatusError(error) && error.status >= 400 && error.status < 500) {
    if (error.status === 413) {
      return new HttpError('PAYLOAD_TOO_LARGE', `request body exceeds the limit of ${bodyLimit} bytes`);
    }
    if (error.status === 400 && (error.type === 'entity.parse.failed' || /json/i.test(error.message))) {
      return new HttpError('INVALID_JSON', `body: not valid JSON (${error.message})`, { field: 'body' });
    }
    const code = CODE_BY_STATUS[error.status] ?? 'VALIDATION_FAILED';
    return new CodedError(code, error.status, error.expose === false ? code : error.message);
  }
  return new HttpError('INTERNAL_ERROR', INTERNAL_ERROR.message, { cause: error });
}

export function errorBody(error: CodedError): HttpErrorBody {
  const body: HttpErrorBody = { success: false, error: { code: error.code, message: error.message } };
  if (error.field !== undefined) body.error.field = error.field;
  if (error.details !== undefined) body.error.details = error.details;
  return body;
}

/**
 * 503s that are a probe's answer, not a fault: a load balancer asking /ready every few seconds while no data flows
 * must not write an error with a stack trace each time (they are still counted).
 */
const PROBE_ANSWERS: ReadonlySet<string> = new Set(['NOT_READY', 'UNHEALTHY']);

/** Error answers by code, for metrics: nothing that goes wrong goes uncounted. */
export type ErrorCounts = Record<string, number>;

export function errorMiddleware(bodyLimit: number, counts: ErrorCounts = {}): Middleware {
  return async (ctx, next) => {
    try {
      await next();
    } catch (thrown) {
      const error = toCodedError(thrown, bodyLimit);
      counts[error.code] = (counts[error.code] ?? 0) + 1;
      if (error.status >= 500 && !PROBE_ANSWERS.has(error.code)) {
        log.error({ err: thrown, method: ctx.method, path: ctx.path }, 'request failed');
      } else {
        log.debug({ method: ctx.method, path: ctx.path, code: error.code }, 'request rejected');
      }
      ctx.status = error.status;
      for (const [name, value] of Object.entries(error.headers)) ctx.set(name, value);
      if (error.status >= 500) ctx.set('Cache-Control', 'no-store');
      ctx.type = 'application/json';
      ctx.body = errorBody(error);
    }
  };
}

/**
 * Right after errorMiddleware: a request nothing answered (404), or one the routers' allowedMethods() marked 405 /
 * 501, becomes a thrown HttpError, so errorMiddleware renders it like any other error. The Allow header stays.
 */
export function unansweredRequests(): Middleware {
  return async (ctx, next) => {
    await next();
    if (ctx.body !== undefined && ctx.body !== null) return;
    if (ctx.status === 404) throw new HttpError('NOT_FOUND', `no route for ${ctx.method} ${ctx.path}`);
    if (ctx.status === 405) {
      const allow = ctx.response.get('Allow');
      throw new HttpError('METHOD_NOT_ALLOWED', `${ctx.method} is not allowed on ${ctx.path}; allowed: ${allow}`, {
        details: { allow: allow.split(/,\s*/) },
        headers: { Allow: allow },
      });
    }
    if (ctx.status === 501) throw new HttpError('NOT_IMPLEMENTED', `${ctx.method} is not implemented`);
  };
}
