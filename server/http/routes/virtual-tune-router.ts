import { cleanupRequestSchema } from '@jetdrive-hub/client/contract';
import Router from '@koa/router';
import { z } from 'zod';
import { ENGINE_PROFILES } from '../../engine/index.js';
import { parseSessionConfig, type SessionRegistry, sessionHealth } from '../../sessions/index.js';
import { HttpError } from '../http-error.js';
import { route } from '../route.js';

const idParams = z.object({ id: z.string().min(1).max(64) });

/**
 * /api/virtual-tune with the older system's paths and success shapes (../shared/origin/system.md §6.1), each with
 * `success: true` like every answer of the API. Errors are SessionErrors, rendered by the app's error middleware
 * (404 SESSION_NOT_FOUND, 400 naming the field, 409 for a stop of an ended session, 429 above the running-sessions
 * bound). start, stop and cleanup are control actions: mounted through createHttpApp, every POST here passes the
 * app's one authorization check (operator role) before it reaches these handlers.
 */
export function createVirtualTuneRouter(registry: SessionRegistry, now: () => number = Date.now): Router {
  const router = new Router({ prefix: '/api/virtual-tune' });

  // The start body is checked by the session module (the same check as the socket's session:start), which names
  // the field the same way on both doors.
  router.post(
    '/start',
    route({ body: z.unknown() }, (ctx, { body }) => {
      const config = parseSessionConfig(body);
      const snapshot = registry.start(config);
      ctx.body = {
        success: true,
        session_id: snapshot.session_id,
        status: snapshot.status,
        config: {
          engine_profile: ENGINE_PROFILES[config.engine_profile].name,
          engine_profile_id: config.engine_profile,
          base_ve_scenario: config.base_ve_scenario,
          max_iterations: config.max_iterations,
          convergence_threshold_afr: config.convergence_threshold_afr,
        },
      };
    }),
  );

  // A session's status and its results: the registry's view of it, with `success` like every answer.
  for (const [path, view] of [
    ['/status/:id', (id: string) => registry.snapshot(id)],
    ['/results/:id', (id: string) => registry.results(id)],
  ] as const) {
    router.get(
      path,
      route({ params: idParams }, (ctx, { params }) => {
        ctx.body = { success: true, ...view(params.id) };
      }),
    );
  }

  router.post(
    '/stop/:id',
    route({ params: idParams }, async (ctx, { params }) => {
      const final = await registry.stop(params.id);
      ctx.body = { success: true, session_id: final.session_id, status: final.status };
    }),
  );

  router.get(
    '/sessions',
    route({}, (ctx) => {
      ctx.body = { success: true, sessions: registry.list() };
    }),
  );

  router.get(
    '/health',
    route({}, (ctx) => {
      const health = sessionHealth(() => !registry.disposed, now());
      const sessions = registry.stats().byStatus;
      if (!health.healthy) {
        const failing = Object.entries(health.components)
          .filter(([, state]) => state !== 'ok')
          .map(([name, state]) => `${name}: ${state}`);
        throw new HttpError('UNHEALTHY', `virtual tuning is unhealthy: ${failing.join('; ')}`, {
          details: { components: health.components, sessions, timestamp: health.timestamp },
        });
      }
      ctx.body = { success: true, ...health, sessions };
    }),
  );

  router.post(
    '/cleanup',
    route({ body: cleanupRequestSchema }, (ctx, { body }) => {
      ctx.body = registry.cleanup(body);
    }),
  );

  return router;
}
