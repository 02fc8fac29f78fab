import type { Middleware } from 'koa';
import { z } from 'zod';
import { CodedError } from '../errors/coded-error.js';
import type { CommandRelay } from './command-relay.js';

/** An HTTP request an edge relays: what the ingest node's routes need (authorization was the edge's). */
export const relayedHttpRequestSchema = z.object({
  method: z.string().min(1).max(16),
  path: z.string().startsWith('/').max(2048),
  querystring: z.string().max(8192),
  body: z.unknown(),
});

export type RelayedHttpRequest = z.infer<typeof relayedHttpRequestSchema>;

/** The ingest node's answer, as its own app rendered it (success or the one error shape, with its status). */
export interface RelayedHttpAnswer {
  status: number;
  type: string;
  /** The headers that are part of an answer (Allow, Retry-After, Content-Disposition…). */
  headers: Record<string, string>;
  body: unknown;
}

/** Runs a relayed request through the ingest node's own routes (server/http/dispatch-relayed-request.ts). */
export type HttpDispatcher = (request: RelayedHttpRequest) => Promise<RelayedHttpAnswer>;

/** What the edge asks of a router: does it serve this method on this path (@koa/router's match). */
export interface RouteMatcher {
  match(path: string, method: string): { route: boolean };
}

function isAnswer(v: unknown): v is RelayedHttpAnswer {
  const a = v as Partial<RelayedHttpAnswer> | null;
  return typeof a?.status === 'number' && typeof a.type === 'string' && typeof a.headers === 'object';
}

/**
 * An edge's HTTP control and reads of what runs on the ingest node (virtual tuning, replays, live analyses): after
 * the edge's own authorization and body parsing, a request one of `routes` serves is relayed and answered exactly as
 * the ingest node answers it; anything else goes on (404/405 as on one node). Relay refusals are 503 with the
 * relay's code (CLUSTER_UNAVAILABLE while Redis is down, CLUSTER_BUSY, CLUSTER_TIMEOUT).
 */
export function relayHttpRequests(relayTo: Pick<CommandRelay, 'request'>, routes: readonly RouteMatcher[]): Middleware {
  return async (ctx, next) => {
    if (!routes.some((r) => r.match(ctx.path, ctx.method).route)) return next();
    const request: RelayedHttpRequest = {
      method: ctx.method,
      path: ctx.path,
      querystring: ctx.querystring,
      body: (ctx.request as { body?: unknown }).body,
    };
    const result = await relayTo.request('http:request', request, '');
    if (!result.ok) {
      const { code, message } = result.error;
      throw new CodedError(code, code.startsWith('CLUSTER_') ? 503 : 500, message);
    }
    if (!isAnswer(result.data)) throw new CodedError('INTERNAL_ERROR', 500, 'internal server error');
    const answer = result.data;
    ctx.status = answer.status;
    for (const [name, value] of Object.entries(answer.headers)) ctx.set(name, value);
    ctx.body = answer.body;
    if (answer.type) ctx.type = answer.type;
  };
}
