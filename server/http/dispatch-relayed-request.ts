import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import type Router from '@koa/router';
import Koa from 'koa';
import type { HttpDispatcher, RelayedHttpAnswer, RelayedHttpRequest } from '../cluster/index.js';
import { errorMiddleware, unansweredRequests } from './error-middleware.js';

/** Headers an answer carries besides its body and type. */
const ANSWER_HEADERS = ['allow', 'retry-after', 'content-disposition', 'cache-control', 'www-authenticate'];

/**
 * The ingest node's side of a cluster edge's HTTP relay: the request runs through `routers` behind the same error
 * middleware as the app (so its answer — success, or the one error shape with its status — is what this node would
 * answer itself), in process, without a socket. The edge checked the token and parsed the body; the parsed body is
 * handed to the routes as the body parser would.
 */
export function createRelayedRequestDispatcher(routers: readonly Router[], bodyLimitBytes: number): HttpDispatcher {
  const app = new Koa();
  app.silent = true;
  const inFlight = new WeakMap<IncomingMessage, { body: unknown; answer: RelayedHttpAnswer | null }>();
  app.use(async (ctx, next) => {
    const slot = inFlight.get(ctx.req);
    if (!slot) return;
    (ctx.request as { body?: unknown }).body = slot.body;
    await next();
    const headers: Record<string, string> = {};
    for (const name of ANSWER_HEADERS) {
      const value = ctx.response.get(name);
      if (value) headers[name] = value;
    }
    slot.answer = { status: ctx.status, type: ctx.response.get('content-type'), headers, body: ctx.body };
  });
  app.use(errorMiddleware(bodyLimitBytes));
  app.use(unansweredRequests());
  for (const router of routers) {
    app.use(router.routes());
    app.use(router.allowedMethods());
  }
  const handle = app.callback();

  return async (request: RelayedHttpRequest) => {
    const req = new IncomingMessage(new Socket());
    req.method = request.method;
    req.url = request.querystring ? `${request.path}?${request.querystring}` : request.path;
    req.headers = { host: 'cluster-relay', 'content-type': 'application/json' };
    const slot = { body: request.body, answer: null as RelayedHttpAnswer | null };
    inFlight.set(req, slot);
    // The response is written to no socket: what matters is what the routes made of the request (captured above).
    await handle(req, new ServerResponse(req));
    if (slot.answer === null) throw new Error('the relayed request was not answered');
    return slot.answer;
  };
}
