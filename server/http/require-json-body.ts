import type { Middleware } from 'koa';
import { HttpError } from './http-error.js';

const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH']);

/** A POST/PUT/PATCH that carries a body must say it is JSON; anything else would silently parse as `{}`. */
export function requireJsonBody(
  /** Routes whose body is a file (run uploads): they check their own content type. */
  takesFile: (method: string, path: string) => boolean = () => false,
): Middleware {
  return async (ctx, next) => {
    const hasBody = Number(ctx.get('content-length') || '0') > 0 || ctx.get('transfer-encoding') !== '';
    if (BODY_METHODS.has(ctx.method) && hasBody && !ctx.is('json') && !takesFile(ctx.method, ctx.path)) {
      throw new HttpError(
        'UNSUPPORTED_MEDIA_TYPE',
        `body: content-type must be application/json, got "${ctx.get('content-type') || 'none'}"`,
      );
    }
    await next();
  };
}
