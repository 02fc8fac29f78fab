import {
  ANALYSIS_EXPORT_KINDS,
  analysisAddRunsSchema,
  analysisIdSchema,
  closedObject,
} from '@jetdrive-hub/client/contract';
import Router from '@koa/router';
import { z } from 'zod';
import { type AnalysisRegistry, parseAnalysisStart } from '../../analysis/index.js';
import { route } from '../route.js';
import { validateParams } from '../validate.js';

const idParams = z.object({ id: analysisIdSchema });
// The kind is checked in the handler, after the query: a wrong query parameter is named first, like on every route.
const exportParams = z.object({ id: analysisIdSchema, kind: z.string() });
const exportKind = z.object({ kind: z.enum(ANALYSIS_EXPORT_KINDS) });
const exportQuery = closedObject({ bank: z.string().min(1).max(32).optional() });
const addRunsBody = analysisAddRunsSchema.omit({ id: true });

/**
 * /api/analysis: live VE analyses. POST (start, stop, reset) and DELETE are control actions: the app's one
 * authorization check gives them to the operator role only. Errors are AnalysisErrors, rendered by the error
 * middleware (400 naming the field, 404, 409, 422 for a provider without the channels, 429 beyond the bound).
 */
export function createAnalysisRouter(registry: AnalysisRegistry): Router {
  const router = new Router({ prefix: '/api/analysis' });

  // The start body is checked by the analysis module (the same check as the socket's analysis:start).
  router.post(
    '/',
    route({ body: z.unknown() }, (ctx, { body }) => {
      const analysis = registry.start(parseAnalysisStart(body));
      ctx.status = 201;
      ctx.body = { success: true, analysis };
    }),
  );

  router.get(
    '/',
    route({}, (ctx) => {
      ctx.body = { success: true, analyses: registry.list() };
    }),
  );

  router.get(
    '/:id',
    route({ params: idParams }, (ctx, { params }) => {
      ctx.body = { success: true, grid: registry.grid(params.id) };
    }),
  );

  for (const [path, action] of [
    ['/:id/stop', (id: string) => registry.stop(id)],
    ['/:id/reset', (id: string) => registry.reset(id)],
  ] as const) {
    router.post(
      path,
      route({ params: idParams }, (ctx, { params }) => {
        ctx.body = { success: true, analysis: action(params.id) };
      }),
    );
  }

  /** More runs of the library for an offline analysis: { runs: [ids] }. */
  router.post(
    '/:id/runs',
    route({ params: idParams, body: addRunsBody }, (ctx, { params, body }) => {
      ctx.body = { success: true, analysis: registry.addRuns(params.id, body.runs) };
    }),
  );

  router.delete(
    '/:id',
    route({ params: idParams }, (ctx, { params }) => {
      registry.remove(params.id);
      ctx.body = { success: true, id: params.id };
    }),
  );

  /** suggested | diff | hits, as CSV in the input table's layout; ?bank=front|rear (default the first). */
  router.get(
    '/:id/export/:kind',
    route({ params: exportParams, query: exportQuery }, (ctx, { params, query }) => {
      const out = registry.exportTable(params.id, validateParams(exportKind, { kind: params.kind }).kind, query.bank);
      ctx.type = 'text/csv; charset=utf-8';
      ctx.set('Content-Disposition', `attachment; filename="${out.filename}"`);
      ctx.body = out.csv;
    }),
  );

  return router;
}
