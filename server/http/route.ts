import { closedObject } from '@jetdrive-hub/client/contract';
import type { Context, Middleware } from 'koa';
import { z } from 'zod';
import { validateBody, validateParams, validateQuery } from './validate.js';

// Every route's inputs are declared and checked before its handler runs, with one rule for unknown fields: a query
// parameter or body field the route does not declare is refused (400 VALIDATION_FAILED naming it and listing the
// accepted ones), except cache busters (`_`-prefixed query parameters). A route that declares nothing takes no query
// and no body. test/integration/one-error-shape.test.ts walks the routers' stacks and checks every route keeps it.

/** No query parameters (besides cache busters). */
export const NO_QUERY = closedObject({});

/** No body: none, null or `{}` (what generic clients send with a bare POST); any field is refused by name. */
export const NO_BODY = z.preprocess((value) => value ?? {}, closedObject({}));

const ANY_PARAMS = z.record(z.string(), z.string());

export interface RouteInput<Q, B, P> {
  query: Q;
  body: B;
  params: P;
}

export interface RouteSpec<Q extends z.ZodType, B extends z.ZodType, P extends z.ZodType> {
  query?: Q;
  /** Bodies are read on POST/PUT/PATCH only. */
  body?: B;
  params?: P;
}

/** A route handler whose query, body and path parameters are validated first (see the rule above). */
export function route<
  Q extends z.ZodType = typeof NO_QUERY,
  B extends z.ZodType = typeof NO_BODY,
  P extends z.ZodType = typeof ANY_PARAMS,
>(
  spec: RouteSpec<Q, B, P>,
  handler: (ctx: Context, input: RouteInput<z.infer<Q>, z.infer<B>, z.infer<P>>) => unknown,
): Middleware {
  const querySchema = (spec.query ?? NO_QUERY) as Q;
  const bodySchema = (spec.body ?? NO_BODY) as B;
  const paramsSchema = (spec.params ?? ANY_PARAMS) as P;
  return async (ctx) => {
    const params: z.infer<P> = validateParams(paramsSchema, (ctx as { params?: Record<string, string> }).params ?? {});
    const query: z.infer<Q> = validateQuery(querySchema, ctx);
    // Bodies are parsed on POST/PUT/PATCH only; elsewhere the body is absent and a route declares none.
    const body: z.infer<B> = validateBody(bodySchema, ctx);
    await handler(ctx, { query, body, params });
  };
}
