import { ANALYSIS_EXPORT_KINDS, analysisIdSchema } from '@jetdrive-hub/client/contract';
import Router from '@koa/router';
import { z } from 'zod';
import { type AnalysisRegistry, parseAnalysisStart } from '../../analysis/index.js';
import { validateParams, validateQuery } from '../validate.js';

const idParams = z.object({ id: analysisIdSchema });
const exportParams = z.object({ id: analysisIdSchema, kind: z.enum(ANALYSIS_EXPORT_KINDS) });
const exportQuery = z.strictObject({ bank: z.string().min(1).max(32).optional() });

const bodyOf = (ctx: { request: unknown }): unknown => (ctx.request as { body?: unknown }).body;

/**
 * /api/analysis: live VE analyses. POST (start, stop, reset) and DELETE are control actions: the app's one
 * authorization check gives them to the operator role only. Errors are AnalysisErrors, rendered by the error
 * middleware (400 naming the field, 404, 409, 422 for a provider without the channels, 429 beyond the bound).
 */
export function createAnalysisRouter(registry: AnalysisRegistry): Router {
  const router = new Router({ prefix: '/api/analysis' });

  router.post('/', (ctx) => {
    const analysis = registry.start(parseAnalysisStart(bodyOf(ctx)));
    ctx.status = 201;
    ctx.body = { success: true, analysis };
  });

  router.get('/', (ctx) => {
    ctx.body = { success: true, analyses: registry.list() };
  });

  router.get('/:id', (ctx) => {
    ctx.body = { success: true, grid: registry.grid(validateParams(idParams, ctx.params).id) };
  });

  router.post('/:id/stop', (ctx) => {
    ctx.body = { success: true, analysis: registry.stop(validateParams(idParams, ctx.params).id) };
  });

  router.post('/:id/reset', (ctx) => {
    ctx.body = { success: true, analysis: registry.reset(validateParams(idParams, ctx.params).id) };
  });

  router.delete('/:id', (ctx) => {
    const { id } = validateParams(idParams, ctx.params);
    registry.remove(id);
    ctx.body = { success: true, id };
  });

  /** suggested | diff | hits, as CSV in the input table's layout; ?bank=front|rear (default the first). */
  router.get('/:id/export/:kind', (ctx) => {
    const { id, kind } = validateParams(exportParams, ctx.params);
    const { bank } = validateQuery(exportQuery, ctx);
    const out = registry.exportTable(id, kind, bank);
    ctx.type = 'text/csv; charset=utf-8';
    ctx.set('Content-Disposition', `attachment; filename="${out.filename}"`);
    ctx.body = out.csv;
  });

  return router;
}
