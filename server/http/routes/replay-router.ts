import {
  replayIdSchema,
  replayOptionsSchema,
  replayRunIdSchema,
  replaySeekBodySchema,
} from '@jetdrive-hub/client/contract';
import Router from '@koa/router';
import { z } from 'zod';
import type { ReplayManager } from '../../replay/index.js';
import { route } from '../route.js';
import { validateParams } from '../validate.js';

// Replay of recorded runs (README, "Replay"): POST /api/runs/:id/replay starts one, /api/replays lists and controls
// them. Every POST is a control action (operator token), like every other write. The body is checked before the path's
// id, so a misspelt field is named whatever the id.

const runParams = z.object({ id: replayRunIdSchema });
const replayParams = z.object({ id: replayIdSchema });

const replayId = (params: Record<string, string>): string => validateParams(replayParams, params).id;

export function createReplayRouter(replays: ReplayManager): Router {
  const router = new Router();

  router.post(
    '/api/runs/:id/replay',
    route({ body: replayOptionsSchema }, async (ctx, { body, params }) => {
      const { id } = validateParams(runParams, params);
      ctx.status = 201;
      ctx.body = { success: true, ...(await replays.startRun(id, body)) };
    }),
  );

  router.get(
    '/api/replays',
    route({}, (ctx) => {
      ctx.body = { success: true, replays: replays.list() };
    }),
  );

  router.get(
    '/api/replays/:id',
    route({}, (ctx, { params }) => {
      ctx.body = { success: true, ...replays.get(replayId(params)) };
    }),
  );

  for (const action of ['pause', 'resume', 'stop'] as const) {
    router.post(
      `/api/replays/:id/${action}`,
      route({}, (ctx, { params }) => {
        ctx.body = { success: true, ...replays[action](replayId(params)) };
      }),
    );
  }

  router.post(
    '/api/replays/:id/seek',
    route({ body: replaySeekBodySchema }, (ctx, { body, params }) => {
      ctx.body = { success: true, ...replays.seek(replayId(params), body.position) };
    }),
  );

  return router;
}
