import type { Context } from 'koa';
import type { z } from 'zod';
import { HttpError } from './http-error.js';

// zod-based request validation. Failures become 400 VALIDATION_FAILED naming the field (`body.channels.MAP.quantity`)
// and listing every issue in details, so a client can fix all of them at once.

export interface ValidationIssue {
  field: string;
  message: string;
}

type Where = 'body' | 'query' | 'params';

export function fieldPath(where: string, path: readonly PropertyKey[]): string {
  return [where, ...path.map((part) => String(part))].join('.');
}

export function validationError(where: string, error: z.ZodError): HttpError {
  const issues: ValidationIssue[] = error.issues.map((issue) => ({
    field: fieldPath(where, issue.path),
    message: issue.message,
  }));
  const first = issues[0] ?? { field: where, message: 'invalid' };
  const more = issues.length > 1 ? ` (and ${issues.length - 1} more)` : '';
  return new HttpError(400, 'VALIDATION_FAILED', `${first.field}: ${first.message}${more}`, { issues });
}

function validate<S extends z.ZodType>(where: Where, schema: S, input: unknown): z.infer<S> {
  const result = schema.safeParse(input);
  if (!result.success) throw validationError(where, result.error);
  return result.data;
}

export function validateBody<S extends z.ZodType>(schema: S, ctx: Context): z.infer<S> {
  return validate('body', schema, (ctx.request as { body?: unknown }).body);
}

export function validateQuery<S extends z.ZodType>(schema: S, ctx: Context): z.infer<S> {
  return validate('query', schema, ctx.query);
}

export function validateParams<S extends z.ZodType>(schema: S, params: Record<string, string>): z.infer<S> {
  return validate('params', schema, params);
}
