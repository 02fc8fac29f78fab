import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import {
  type RunComparisonAnswer,
  type RunCurvesAnswer,
  type RunCurvesView,
  type RunImportAnswer,
  runCurvesQuerySchema,
  runImportQuerySchema,
  runsCompareQuerySchema,
  type UnitSystem,
} from '@jetdrive-hub/client/contract';
import Router from '@koa/router';
import type { Context } from 'koa';
import { z } from 'zod';
import {
  type CurveOptions,
  CurvesError,
  DEFAULT_CSV_IMPORT_LIMITS,
  exportCurveCsv,
  exportTimeCsv,
  importRunCsv,
  type RunCurves,
  renderRunSheet,
} from '../../curves/index.js';
import { type ChunkCompression, importRunFile, type RunFileSystem, type RunLibrary } from '../../runs/index.js';
import { writeCsvRunFile } from '../../runs/write-csv-run-file.js';
import { HttpError } from '../http-error.js';
import { route } from '../route.js';
import type { RunAnalysisCache } from './run-analysis-cache.js';

// The run analysis over HTTP (issue 17): a run's curves, several runs compared, the CSV exports, the printable sheet
// (viewer reads) and a CSV time export imported as a new run (operator). The numbers all come from server/curves
// through one cache, so the JSON, the CSVs and the sheet agree.

export interface RunAnalysisRouterDeps {
  library: RunLibrary;
  fs: RunFileSystem;
  cache: RunAnalysisCache;
  compression: ChunkCompression;
  /** The hub's display units: the default when a request names none. */
  unitSystem: UnitSystem;
  now?: () => number;
}

export const CSV_CONTENT_TYPES = ['text/csv', 'text/plain', 'application/csv'];

// Any id passes here so the query is checked (and an unknown parameter named) first; the library then answers
// 404 RUN_NOT_FOUND for anything that is not one of its runs, a malformed id included.
const idParams = z.strictObject({ id: z.string().max(200) });
type CurvesQuery = z.infer<typeof runCurvesQuerySchema>;

function optionsOf(q: CurvesQuery, unitSystem: UnitSystem): CurveOptions {
  return { correction: q.correction, smoothing: q.smoothing, x: q.x, units: q.units ?? unitSystem };
}

/** The curves as the wire shows them (the raw points only where asked). */
function viewOf(c: RunCurves): RunCurvesView {
  const { points: _points, ...view } = c;
  return view;
}

function attachment(ctx: Context, fileName: string): void {
  const ascii = fileName.replace(/[^\x20-\x7e]|["\\]/g, '_');
  ctx.set('Content-Disposition', `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(fileName)}`);
}

/** A run's name made safe for a file name. */
const fileStem = (name: string, id: string) =>
  `${
    name
      .replace(/[^A-Za-z0-9 ._-]+/g, '_')
      .trim()
      .slice(0, 80) || 'run'
  } ${id}`;

/** Streams a text body in, refusing it once it passes `max` bytes (before the whole of it is held). */
async function readTextBody(ctx: Context, max: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of ctx.req as AsyncIterable<Buffer>) {
    size += chunk.byteLength;
    if (size > max) {
      throw new CurvesError('CSV_TOO_LARGE', `body: the file exceeds the import limit of ${max} bytes`, {
        field: 'body',
      });
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

type Deps = Required<RunAnalysisRouterDeps>;

async function answerCompare(ctx: Context, d: Deps, query: z.infer<typeof runsCompareQuerySchema>): Promise<void> {
  // Every id is checked before any file is read: an unknown one is a 404 naming it.
  const names = query.ids.map((id) => d.library.get(id).name);
  const comparison = await d.cache.compare(query.ids, optionsOf(query, d.unitSystem));
  const body: RunComparisonAnswer = {
    success: true,
    x: comparison.x,
    runs: comparison.runs.map((r, i) => ({ ...r, name: names[i], curves: viewOf(r.curves) })),
    deltas: comparison.deltas,
  };
  ctx.body = body;
}

async function answerCurves(ctx: Context, d: Deps, id: string, query: CurvesQuery): Promise<void> {
  const run = d.library.get(id);
  const curves = await d.cache.curves(id, optionsOf(query, d.unitSystem));
  const { counts } = await d.cache.series(id);
  const body: RunCurvesAnswer = { success: true, id: run.id, name: run.name, curves, read: counts };
  ctx.body = body;
}

async function answerSheet(ctx: Context, d: Deps, id: string, query: CurvesQuery): Promise<void> {
  const run = d.library.get(id);
  const curves = await d.cache.curves(id, optionsOf(query, d.unitSystem));
  ctx.type = 'text/html; charset=utf-8';
  ctx.body = renderRunSheet({
    run: {
      name: run.name,
      startedAt: new Date(run.startedAt).toISOString(),
      ...(run.simulator ? { subject: `simulator ${run.simulator.profile}` } : {}),
      notes: run.notes,
    },
    curves,
  });
}

async function answerImport(ctx: Context, d: Deps, name: string | undefined): Promise<void> {
  if (!ctx.is(CSV_CONTENT_TYPES)) {
    throw new HttpError(
      'UNSUPPORTED_MEDIA_TYPE',
      `body: content-type must be text/csv (the CSV time export itself), got "${ctx.get('content-type') || 'none'}"`,
      { field: 'body' },
    );
  }
  const text = await readTextBody(ctx, DEFAULT_CSV_IMPORT_LIMITS.maxBytes);
  // Parsed whole before anything is written: a refused file leaves the library as it was.
  const parsed = importRunCsv(text);
  const temp = join(d.library.dir, `import.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    const startedAt = d.now();
    const series = parsed.series;
    await writeCsvRunFile({ fs: d.fs, file: temp, series, name: name ?? 'Imported CSV', startedAt });
    const meta = await importRunFile({
      library: d.library,
      fs: d.fs,
      from: temp,
      compression: d.compression,
      now: startedAt,
    });
    const body: RunImportAnswer = {
      success: true,
      id: meta.id,
      name: meta.name,
      format: parsed.format,
      counts: parsed.counts,
    };
    ctx.status = 201;
    ctx.body = body;
  } finally {
    await d.fs.unlink(temp).catch(() => undefined);
  }
}

export function createRunAnalysisRouter(deps: RunAnalysisRouterDeps): Router {
  const d: Deps = { now: Date.now, ...deps };
  const router = new Router({ prefix: '/api/runs' });
  const one = { params: idParams, query: runCurvesQuerySchema };

  router.get(
    '/compare',
    route({ query: runsCompareQuerySchema }, (ctx, { query }) => answerCompare(ctx, d, query)),
  );
  router.get(
    '/:id/curves',
    route(one, (ctx, { params, query }) => answerCurves(ctx, d, params.id, query)),
  );
  router.get(
    '/:id/export.csv',
    route({ params: idParams }, async (ctx, { params }) => {
      const run = d.library.get(params.id);
      const { series } = await d.cache.series(params.id);
      ctx.type = 'text/csv; charset=utf-8';
      attachment(ctx, `${fileStem(run.name, run.id)}.csv`);
      ctx.body = exportTimeCsv(series);
    }),
  );
  router.get(
    '/:id/curves.csv',
    route(one, async (ctx, { params, query }) => {
      const run = d.library.get(params.id);
      const curves = await d.cache.curves(params.id, optionsOf(query, d.unitSystem));
      ctx.type = 'text/csv; charset=utf-8';
      attachment(ctx, `${fileStem(run.name, run.id)} curves ${query.correction}.csv`);
      ctx.body = exportCurveCsv(curves);
    }),
  );
  router.get(
    '/:id/sheet',
    route(one, (ctx, { params, query }) => answerSheet(ctx, d, params.id, query)),
  );
  router.post(
    '/import',
    route({ query: runImportQuerySchema }, (ctx, { query }) => answerImport(ctx, d, query.name)),
  );
  return router;
}
