import Router from '@koa/router';
import { replayIdSchema, replayOptionsSchema, replaySeekBodySchema, replayRunIdSchema } from '@jetdrive-hub/client/contract';
import { z } from 'zod';
import type { ReplayManager } from '../../replay/index.js';
import { validateBody, validateParams } from '../validate.js';

// Replay of recorded runs (README, "Replay"): POST /api/runs/:id/replay starts one, /api/replays lists and controls
// them. Every POST is a control action (operator token), like every other write.

const runParams = z.strictObject({ id: replayRunIdSchema });
const replayParams = z.strictObject({ id: replayIdSchema });

export function createReplayRouter(replays: ReplayManager): Router {
  const router = new Router();

  router.post('/api/runs/:id/replay', async (ctx) => {
    const { id } = validateParams(runParams, ctx.params);
    const options = validateBody(replayOptionsSchema, ctx);
    ctx.status = 201;
    ctx.body = await replays.startRun(id, options);
  });

  router.get('/api/replays', (ctx) => {
    ctx.body = { replays: replays.list() };
  });

  router.get('/api/replays/:id', (ctx) => {
    ctx.body = replays.get(validateParams(replayParams, ctx.params).id);
  });

  for (const action of ['pause', 'resume', 'stop'] as const) {
    router.post(`/api/replays/:id/${action}`, (ctx) => {
      ctx.body = replays[action](validateParams(replayParams, ctx.params).id);
    });
  }

  router.post('/api/replays/:id/seek', (ctx) => {
    const { id } = validateParams(replayParams, ctx.params);
    ctx.body = replays.seek(id, validateBody(replaySeekBodySchema, ctx).position);
  });

  return router;
}
