import { cleanupRequestSchema } from '@jetdrive-hub/client/contract';
import Router from '@koa/router';
import { z } from 'zod';
import { validateBody, validateParams } from '../validate.js';
import { ENGINE_PROFILES } from '../../engine/index.js';
import { parseSessionConfig, type SessionRegistry, sessionHealth } from '../../sessions/index.js';

const idParams = z.object({ id: z.string().min(1).max(64) });

const bodyOf = (ctx: { request: unknown }): unknown => (ctx.request as { body?: unknown }).body;

/**
 * /api/virtual-tune with the older system's paths and success shapes (../shared/origin/system.md §6.1). Errors are
 * SessionErrors, rendered by the app's error middleware (404 SESSION_NOT_FOUND, 400 naming the field, 409 for a
 * stop of an ended session, 429 above the running-sessions bound). start, stop and cleanup are control actions:
 * mounted through createHttpApp, every POST here passes the app's one authorization check (operator role) before it
 * reaches these handlers.
 */
export function createVirtualTuneRouter(registry: SessionRegistry, now: () => number = Date.now): Router {
  const router = new Router({ prefix: '/api/virtual-tune' });

  router.post('/start', async (ctx) => {
    const config = parseSessionConfig(bodyOf(ctx));
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
  });

  router.get('/status/:id', async (ctx) => {
    ctx.body = registry.snapshot(validateParams(idParams, ctx.params).id);
  });

  router.post('/stop/:id', async (ctx) => {
    const final = await registry.stop(validateParams(idParams, ctx.params).id);
    ctx.body = { success: true, session_id: final.session_id, status: final.status };
  });

  router.get('/sessions', (ctx) => {
    ctx.body = { success: true, sessions: registry.list() };
  });

  router.get('/results/:id', async (ctx) => {
    ctx.body = registry.results(validateParams(idParams, ctx.params).id);
  });

  router.get('/health', (ctx) => {
    const health = sessionHealth(() => !registry.disposed, now());
    ctx.status = health.healthy ? 200 : 503;
    ctx.body = { ...health, sessions: registry.stats().byStatus };
  });

  router.post('/cleanup', (ctx) => {
    ctx.body = registry.cleanup(validateBody(cleanupRequestSchema, ctx));
  });

  return router;
}
