import { describeZodError } from '@jetdrive-hub/client/contract';
import type { Context } from 'koa';
import type { z } from 'zod';
import { HttpError } from './http-error.js';

// zod-based request validation. Failures become 400 VALIDATION_FAILED naming the field (`body.channels.MAP.quantity`)
// and the limit, listing every issue in details, so a client can fix all of them at once.

type Where = 'body' | 'query' | 'params';

export function validationError(where: string, error: z.ZodError): HttpError {
  const described = describeZodError(error, { prefix: where });
  return new HttpError('VALIDATION_FAILED', described.message, {
    field: described.field,
    details: { issues: described.issues },
  });
}

function validate<S extends z.ZodType>(where: Where, schema: S, input: unknown): z.infer<S> {
  const result = schema.safeParse(input);
  if (!result.success) throw validationError(where, result.error);
  return result.data;
}

export function validateBody<S extends z.ZodType>(schema: S, ctx: Context): z.infer<S> {
  return validate('body', schema, (ctx.request as { body?: unknown }).body);
}

/**
 * Query parameters whose name starts with `_` are cache busters (jQuery's `_=1700000000`, `_t=…`): never read,
 * never refused. Every other parameter must be one the route knows.
 */
export function withoutCacheBusters(query: Readonly<Record<string, unknown>>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(query).filter(([name]) => !name.startsWith('_')));
}

export function validateQuery<S extends z.ZodType>(schema: S, ctx: Context): z.infer<S> {
  return validate('query', schema, withoutCacheBusters(ctx.query));
}

export function validateParams<S extends z.ZodType>(schema: S, params: Record<string, string>): z.infer<S> {
  return validate('params', schema, params);
}
