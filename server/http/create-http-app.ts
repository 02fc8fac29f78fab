import { bodyParser } from '@koa/bodyparser';
import cors from '@koa/cors';
import type Router from '@koa/router';
import Koa from 'koa';
import { ERROR_COUNTS_OF_APP } from './answer-client-error.js';
import { authorizeRequests } from './authorize.js';
import { createMetrics, type HubMetrics } from './create-metrics.js';
import { type ErrorCounts, errorMiddleware, unansweredRequests } from './error-middleware.js';
import { DEFAULT_HTTP_OPTIONS, type HttpOptions } from './http-options.js';
import { requireJsonBody } from './require-json-body.js';
import { createAuthRouter } from './routes/auth-router.js';
import { createChannelsRouter } from './routes/channels-router.js';
import { createHealthRouter } from './routes/health-router.js';
import { createMappingRouter } from './routes/mapping-router.js';
import { createSimulatorRouter } from './routes/simulator-router.js';
import { createStatusRouter } from './routes/status-router.js';
import type { HttpAppDeps } from './types.js';

export interface HttpApp {
  app: Koa;
  metrics: HubMetrics;
  options: HttpOptions;
  /** Every route the app serves (from the routers' stacks), for the API-shape test and the docs. */
  routes(): readonly HttpRoute[];
}

export interface HttpRoute {
  /** Upper case; GET routes also answer HEAD. */
  methods: readonly string[];
  /** The pattern with its prefix, e.g. `/api/jetdrive/mapping/:provider`. */
  path: string;
}

function routesOf(routers: readonly Router[]): HttpRoute[] {
  return routers.flatMap((router) =>
    router.stack
      .filter((layer) => layer.methods.length > 0)
      .map((layer) => ({ methods: [...layer.methods], path: String(layer.path) })),
  );
}

function corsMiddleware(origins: readonly string[]): Koa.Middleware | null {
  if (origins.length === 0) return null;
  if (origins.includes('*')) return cors({ origin: '*', allowMethods: ['GET', 'HEAD'] });
  const allowed = new Set(origins);
  // An origin not on the list gets no CORS headers (the browser then refuses), rather than an error.
  return cors({ origin: (ctx) => (allowed.has(ctx.get('Origin')) ? ctx.get('Origin') : '') });
}

export function createHttpApp(deps: HttpAppDeps): HttpApp {
  const options: HttpOptions = { ...DEFAULT_HTTP_OPTIONS, ...deps.options };
  const now = deps.now ?? Date.now;
  const startedAt = now();
  const app = new Koa();
  // Errors are logged by errorMiddleware; Koa's default handler would print stacks to stderr.
  app.silent = true;

  const errorCounts: ErrorCounts = {};
  ERROR_COUNTS_OF_APP.set(app, errorCounts);
  const metrics = createMetrics({
    sources: {
      auth: () => deps.auth.policy.stats(),
      rateLimit: () => deps.auth.limiter.stats(),
      httpErrors: () => ({ ...errorCounts }),
      ...deps.metrics,
    },
    registry: deps.registry,
    mapping: deps.mapping,
  });

  const routers: Router[] = [
    createHealthRouter({ registry: deps.registry, ingestStatus: deps.ingestStatus, metrics, options, now, startedAt }),
    createStatusRouter({
      registry: deps.registry,
      mapping: deps.mapping,
      ingestStatus: deps.ingestStatus,
      simulator: deps.simulator,
      simulatorOrigin: deps.simulatorOrigin,
      metrics: deps.metrics,
      startedAt,
      now,
    }),
    createChannelsRouter({
      registry: deps.registry,
      mapping: deps.mapping,
      options,
      now,
      ingestStatus: deps.ingestStatus,
    }),
    createMappingRouter({ registry: deps.registry, mapping: deps.mapping, now }),
    createSimulatorRouter(deps.simulator ?? null),
    createAuthRouter(deps.auth),
    ...(deps.extraRouters ?? []),
  ];
  const serves = (method: string, path: string): boolean => routers.some((router) => router.match(path, method).route);

  app.use(errorMiddleware(options.bodyLimitBytes, errorCounts));
  app.use(unansweredRequests());
  const corsHandler = corsMiddleware(options.corsOrigins);
  if (corsHandler) app.use(corsHandler);
  // Before the body parser: a refused request's body is never read.
  app.use(authorizeRequests({ serves, ...deps.auth }));
  // Run uploads (POST /api/runs) carry the .mcap file itself, CSV imports (POST /api/runs/import) the CSV.
  const takesFile = (path: string) => path === '/api/runs' || path === '/api/runs/' || path === '/api/runs/import';
  app.use(requireJsonBody((method, path) => method === 'POST' && takesFile(path)));
  app.use(
    bodyParser({
      enableTypes: ['json'],
      jsonLimit: options.bodyLimitBytes,
      encoding: 'utf-8',
    }),
  );
  if (deps.beforeRoutes) app.use(deps.beforeRoutes);
  for (const router of routers) {
    app.use(router.routes());
    app.use(router.allowedMethods());
  }

  return { app, metrics, options, routes: () => routesOf(routers) };
}
