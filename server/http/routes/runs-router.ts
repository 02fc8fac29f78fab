import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { recordStartSchema, runIdSchema, runListQuerySchema, runUpdateSchema } from '@jetdrive-hub/client/contract';
import Router from '@koa/router';
import type { Context } from 'koa';
import { z } from 'zod';
import {
  type ChunkCompression,
  importRunFile,
  NODE_RUN_FILE_SYSTEM,
  type RunCapture,
  type RunFileSystem,
  type RunLibrary,
  RunsError,
} from '../../runs/index.js';
import { HttpError } from '../http-error.js';
import { NO_BODY, route } from '../route.js';
import { validateParams } from '../validate.js';

// /api/runs: the run library (viewer reads, operator changes: the one authorization check sees the method) and the
// manual recording control. Uploads are the raw .mcap as the request body (application/octet-stream or
// application/x-mcap), streamed to a temp file under the size cap, then checked whole before the library takes it.
// The run id is checked inside each handler, after the query and the body (the one input rule names those first).

export interface RunsRouterDeps {
  library: RunLibrary;
  capture: RunCapture;
  compression: ChunkCompression;
  uploadMaxBytes: number;
  fs?: RunFileSystem;
  now?: () => number;
}

export const UPLOAD_CONTENT_TYPES = ['application/octet-stream', 'application/x-mcap', 'application/vnd.mcap'];

const idParams = z.object({ id: runIdSchema });
const idOf = (params: Record<string, string>): string => validateParams(idParams, params).id;

/** Streams the request body into `file`, refusing it (413) once it passes `max` bytes. */
async function receiveUpload(ctx: Context, file: string, max: number): Promise<void> {
  let size = 0;
  const limit = new Transform({
    transform(chunk: Buffer, _enc, done) {
      size += chunk.byteLength;
      if (size <= max) return done(null, chunk);
      const message = `body: the file exceeds the upload limit of ${max} bytes (RUN_UPLOAD_MAX_BYTES)`;
      done(new RunsError('RUN_FILE_TOO_LARGE', message, { field: 'body' }));
    },
  });
  await pipeline(ctx.req, limit, createWriteStream(file, { flags: 'wx', mode: 0o600 }));
}

function contentDisposition(fileName: string): string {
  const ascii = fileName.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(fileName)}`;
}

/** POST /api/runs: the body is the file; a JSON body is held to the one input rule (no fields), then refused. */
function uploadRoute(deps: RunsRouterDeps) {
  const now = deps.now ?? Date.now;
  return route({ body: NO_BODY }, async (ctx) => {
    if (!ctx.is(UPLOAD_CONTENT_TYPES)) {
      throw new HttpError(
        'UNSUPPORTED_MEDIA_TYPE',
        `body: send the .mcap file itself as application/octet-stream, got "${ctx.get('content-type') || 'none'}"`,
        { field: 'body' },
      );
    }
    const temp = join(deps.library.dir, `upload.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
    try {
      await receiveUpload(ctx, temp, deps.uploadMaxBytes);
      const fs = deps.fs ?? NODE_RUN_FILE_SYSTEM;
      const meta = await importRunFile({
        library: deps.library,
        fs,
        from: temp,
        compression: deps.compression,
        now: now(),
      });
      ctx.status = 201;
      ctx.body = { success: true, ...deps.library.get(meta.id) };
    } finally {
      await unlink(temp).catch(() => undefined);
    }
  });
}

/**
 * A request for a run file's bytes (download, MCAP upload, CSV import): what a cluster edge cannot relay to the
 * ingest node, which keeps the files.
 */
export function isRunFileRequest(path: string, method: string): boolean {
  const p = path.replace(/\/+$/, '');
  if (method === 'GET' || method === 'HEAD') return /^\/api\/runs\/[^/]+\/file$/.test(p);
  return method === 'POST' && (p === '/api/runs' || p === '/api/runs/import');
}

export function createRunsRouter(deps: RunsRouterDeps): Router {
  const router = new Router({ prefix: '/api/runs' });
  const { library, capture } = deps;

  router.get(
    '/',
    route({ query: runListQuerySchema }, (ctx, { query }) => {
      ctx.body = { success: true, ...library.list(query) };
    }),
  );
  router.get(
    '/recording',
    route({}, (ctx) => {
      ctx.body = { success: true, ...capture.status() };
    }),
  );
  router.post(
    '/record/start',
    route({ body: z.preprocess((v) => v ?? {}, recordStartSchema) }, (ctx, { body }) => {
      ctx.body = { success: true, ...capture.startManual(body.name) };
    }),
  );
  router.post(
    '/record/stop',
    route({}, (ctx) => {
      ctx.body = { success: true, ...capture.stopManual() };
    }),
  );
  router.get(
    '/:id',
    route({}, (ctx, { params }) => {
      ctx.body = { success: true, ...library.get(idOf(params)) };
    }),
  );
  router.get(
    '/:id/file',
    route({}, (ctx, { params }) => {
      const { file, fileName, sizeBytes } = library.download(idOf(params));
      ctx.set('Content-Disposition', contentDisposition(fileName));
      ctx.set('Content-Length', String(sizeBytes));
      ctx.type = 'application/octet-stream';
      ctx.body = createReadStream(file);
    }),
  );
  router.patch(
    '/:id',
    route({ body: runUpdateSchema }, async (ctx, { body, params }) => {
      ctx.body = { success: true, ...(await library.update(idOf(params), body)) };
    }),
  );
  router.delete(
    '/:id',
    route({}, async (ctx, { params }) => {
      const id = idOf(params);
      await library.delete(id);
      ctx.body = { success: true, id };
    }),
  );
  router.post('/', uploadRoute(deps));
  return router;
}
