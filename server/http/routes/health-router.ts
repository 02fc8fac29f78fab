import { closedObject } from '@jetdrive-hub/client/contract';
import Router from '@koa/router';
import type { ChannelRegistry } from '../../channels/types.js';
import type { HubMetrics } from '../create-metrics.js';
import { HttpError } from '../http-error.js';
import type { HttpOptions } from '../http-options.js';
import { booleanQuery } from '../query-schemas.js';
import { route } from '../route.js';
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

const readyQuery = closedObject({ require_data: booleanQuery });

/**
 * GET /health (liveness), /ready (readiness) and /metrics (Prometheus text).
 *
 * /ready is 200 once the hub can receive JetDrive (ingest socket bound, or a replay open) and says in `data_flowing`
 * whether a datagram arrived in the last `readyDataWindowMs` (5 s). It does not wait for data by default: a hub
 * with the dyno switched off must stay in a load balancer's pool, or nobody could open its dashboard to see why.
 * `?require_data=true` makes data flowing a condition too, for scripts that ask "is the dyno on the air?".
 */
export function createHealthRouter(deps: HealthRouterDeps): Router {
  const router = new Router();

  router.get(
    '/health',
    route({}, (ctx) => {
      ctx.body = { success: true, status: 'ok', uptime_s: Math.round((deps.now() - deps.startedAt) / 100) / 10 };
    }),
  );

  router.get(
    '/ready',
    route({ query: readyQuery }, (ctx, { query }) => {
      const ingest = deps.ingestStatus?.() ?? null;
      const bound = ingest?.bound ?? false;
      const last = lastDataAt(deps);
      const ageMs = last === null ? null : Math.max(0, deps.now() - last);
      const windowMs = deps.options.readyDataWindowMs;
      const dataFlowing = ageMs !== null && ageMs <= windowMs;
      const facts = {
        ingest_bound: bound,
        source: ingest?.source ?? null,
        data_flowing: dataFlowing,
        data_window_ms: windowMs,
        last_data_age_ms: ageMs,
      };
      const reason = !ingest
        ? 'no ingest attached'
        : !bound
          ? 'the JetDrive socket is not bound yet'
          : query.require_data === true && !dataFlowing
            ? `no JetDrive data in the last ${windowMs} ms (${ageMs === null ? 'none yet' : `last ${ageMs} ms ago`})`
            : null;
      if (reason !== null) throw new HttpError('NOT_READY', `not ready: ${reason}`, { details: facts });
      ctx.body = { success: true, ready: true, ...facts };
    }),
  );

  router.get(
    '/metrics',
    route({}, async (ctx) => {
      ctx.type = deps.metrics.contentType;
      ctx.body = await deps.metrics.render();
    }),
  );

  return router;
}
