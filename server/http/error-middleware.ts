import type { Middleware } from 'koa';
import { z } from 'zod';
import { createLogger } from '../log.js';
import { MappingStoreError } from '../mapping/mapping-store.js';
import { CODE_BY_STATUS } from './error-codes.js';
import { HttpError } from './http-error.js';
import { validationError } from './validate.js';

// First in the chain: every failure leaves as `{ success: false, error: { code, message, details? } }` with the
// right status, and no stack trace leaves the server (it goes to the log instead).

const log = createLogger('http');

interface ErrorBody {
  success: false;
  error: { code: string; message: string; details?: unknown };
}

function body(code: string, message: string, details?: unknown): ErrorBody {
  return { success: false, error: details === undefined ? { code, message } : { code, message, details } };
}

interface StatusError {
  status: number;
  expose?: boolean;
  message: string;
  type?: string;
}

function isStatusError(error: unknown): error is StatusError {
  return error instanceof Error && typeof (error as { status?: unknown }).status === 'number';
}

function toResponse(error: unknown, bodyLimit: number): { status: number; body: ErrorBody } {
  if (error instanceof HttpError) return { status: error.status, body: body(error.code, error.message, error.details) };
  if (error instanceof z.ZodError) {
    const mapped = validationError('request', error);
    return { status: 400, body: body(mapped.code, mapped.message, mapped.details) };
  }
  if (error instanceof MappingStoreError) {
    return { status: error.code === 'MAPPING_LIMIT_EXCEEDED' ? 400 : 503, body: body(error.code, error.message) };
  }
  if (isStatusError(error) && error.status >= 400 && error.status < 500) {
    if (error.status === 413) {
      return { status: 413, body: body('PAYLOAD_TOO_LARGE', `request body exceeds the limit of ${bodyLimit} bytes`) };
    }
    if (error.status === 400 && (error.type === 'entity.parse.failed' || /json/i.test(error.message))) {
      return { status: 400, body: body('INVALID_JSON', `body: not valid JSON (${error.message})`) };
    }
    const code = CODE_BY_STATUS[error.status] ?? 'VALIDATION_FAILED';
    return { status: error.status, body: body(code, error.expose === false ? code : error.message) };
  }
  return { status: 500, body: body('INTERNAL_ERROR', 'internal server error') };
}

export function errorMiddleware(bodyLimit: number): Middleware {
  return async (ctx, next) => {
    try {
      await next();
      if (ctx.body === undefined || ctx.body === null) {
        if (ctx.status === 404) {
          ctx.status = 404;
          ctx.body = body('NOT_FOUND', `no route for ${ctx.method} ${ctx.path}`);
        } else if (ctx.status === 405) {
          const allow = ctx.response.get('Allow');
          ctx.status = 405;
          ctx.body = body('METHOD_NOT_ALLOWED', `${ctx.method} is not allowed on ${ctx.path}; allowed: ${allow}`, {
            allow: allow.split(/,\s*/),
          });
        } else if (ctx.status === 501) {
          ctx.status = 501;
          ctx.body = body('NOT_IMPLEMENTED', `${ctx.method} is not implemented`);
        }
      }
    } catch (error) {
      const response = toResponse(error, bodyLimit);
      if (response.status >= 500) log.error({ err: error, method: ctx.method, path: ctx.path }, 'request failed');
      else log.debug({ method: ctx.method, path: ctx.path, code: response.body.error.code }, 'request rejected');
      ctx.status = response.status;
      ctx.type = 'application/json';
      ctx.body = response.body;
    }
  };
}
