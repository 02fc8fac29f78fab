import Router from '@koa/router';
import type { ChannelRegistry } from '../../channels/types.js';
import type { HubMetrics } from '../create-metrics.js';
import type { HttpOptions } from '../http-options.js';
import type { IngestStatusSource } from '../types.js';

export interface HealthRouterDeps {
  registry: ChannelRegistry;
  ingestStatus?: IngestStatusSource;
  metrics: HubMetrics;
  options: HttpOptions;
  now: () => number;
  startedAt: number;
}

function lastDataAt(deps: HealthRouterDeps): number | null {
  const fromIngest = deps.ingestStatus?.().lastDatagramAt ?? null;
  if (fromIngest !== null) return fromIngest;
  let latest: number | null = null;
  for (const provider of deps.registry.providers()) {
    if (latest === null || provider.lastSeen > latest) latest = provider.lastSeen;
  }
  return latest;
}

/** GET /health (liveness), /ready (ingest bound; data flowing?) and /metrics (Prometheus text). */
export function createHealthRouter(deps: HealthRouterDeps): Router {
  const router = new Router();

  router.get('/health', (ctx) => {
    ctx.body = { success: true, status: 'ok', uptime_s: Math.round((deps.now() - deps.startedAt) / 100) / 10 };
  });

  router.get('/ready', (ctx) => {
    const ingest = deps.ingestStatus?.() ?? null;
    const bound = ingest?.bound ?? false;
    const last = lastDataAt(deps);
    const ageMs = last === null ? null : Math.max(0, deps.now() - last);
    const dataFlowing = ageMs !== null && ageMs <= deps.options.readyDataWindowMs;
    ctx.status = bound ? 200 : 503;
    ctx.body = {
      success: bound,
      ready: bound,
      ingest_bound: bound,
      source: ingest?.source ?? null,
      data_flowing: dataFlowing,
      data_window_ms: deps.options.readyDataWindowMs,
      last_data_age_ms: ageMs,
      ...(bound
        ? {}
        : { error: { code: 'NOT_READY', message: ingest ? 'ingest socket not bound yet' : 'no ingest attached' } }),
    };
  });

  router.get('/metrics', async (ctx) => {
    ctx.type = deps.metrics.contentType;
    ctx.body = await deps.metrics.render();
  });

  return router;
}
