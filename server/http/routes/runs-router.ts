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
import { validateBody, validateParams, validateQuery } from '../validate.js';

// /api/runs: the run library (viewer reads, operator changes: the one authorization check sees the method) and the
// manual recording control. Uploads are the raw .mcap as the request body (application/octet-stream or
// application/x-mcap), streamed to a temp file under the size cap, then checked whole before the library takes it.

export interface RunsRouterDeps {
  library: RunLibrary;
  capture: RunCapture;
  compression: ChunkCompression;
  uploadMaxBytes: number;
  fs?: RunFileSystem;
  now?: () => number;
}

export const UPLOAD_CONTENT_TYPES = ['application/octet-stream', 'application/x-mcap', 'application/vnd.mcap'];

const idParams = z.strictObject({ id: runIdSchema });

function idOf(ctx: Context & { params: Record<string, string> }): string {
  return validateParams(idParams, ctx.params).id;
}

/** Streams the request body into `file`, refusing it (413) once it passes `max` bytes. */
async function receiveUpload(ctx: Context, file: string, max: number): Promise<void> {
  let size = 0;
  const limit = new Transform({
    transform(chunk: Buffer, _enc, done) {
      size += chunk.byteLength;
      if (size > max)
        done(
          new RunsError(
            'RUN_FILE_TOO_LARGE',
            `body: the file exceeds the upload limit of ${max} bytes (RUN_UPLOAD_MAX_BYTES)`,
            { field: 'body' },
          ),
        );
      else done(null, chunk);
    },
  });
  await pipeline(ctx.req, limit, createWriteStream(file, { flags: 'wx', mode: 0o600 }));
}

function contentDisposition(fileName: string): string {
  const ascii = fileName.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(fileName)}`;
}

export function createRunsRouter(deps: RunsRouterDeps): Router {
  const router = new Router({ prefix: '/api/runs' });
  const { library, capture } = deps;
  const now = deps.now ?? Date.now;

  router.get('/', (ctx) => {
    ctx.body = library.list(validateQuery(runListQuerySchema, ctx));
  });

  router.get('/recording', (ctx) => {
    ctx.body = capture.status();
  });

  router.post('/record/start', (ctx) => {
    const body = validateBody(recordStartSchema.optional(), ctx) ?? {};
    ctx.body = capture.startManual(body.name);
  });

  router.post('/record/stop', (ctx) => {
    validateBody(z.strictObject({}).optional(), ctx);
    ctx.body = capture.stopManual();
  });

  router.get('/:id', (ctx) => {
    ctx.body = library.get(idOf(ctx));
  });

  router.get('/:id/file', (ctx) => {
    const { file, fileName, sizeBytes } = library.download(idOf(ctx));
    ctx.set('Content-Disposition', contentDisposition(fileName));
    ctx.set('Content-Length', String(sizeBytes));
    ctx.type = 'application/octet-stream';
    ctx.body = createReadStream(file);
  });

  router.patch('/:id', async (ctx) => {
    const id = idOf(ctx);
    const patch = validateBody(runUpdateSchema, ctx);
    ctx.body = await library.update(id, patch);
  });

  router.delete('/:id', async (ctx) => {
    const id = idOf(ctx);
    await library.delete(id);
    ctx.body = { success: true, id };
  });

  router.post('/', async (ctx) => {
    if (!ctx.is(UPLOAD_CONTENT_TYPES)) {
      throw new HttpError(
        'UNSUPPORTED_MEDIA_TYPE',
        `body: content-type must be application/octet-stream (the .mcap file itself), got "${ctx.get('content-type') || 'none'}"`,
        { field: 'body' },
      );
    }
    const temp = join(library.dir, `upload.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
    try {
      await receiveUpload(ctx, temp, deps.uploadMaxBytes);
      const meta = await importRunFile({
        library,
        fs: deps.fs ?? NODE_RUN_FILE_SYSTEM,
        from: temp,
        compression: deps.compression,
        now: now(),
      });
      ctx.status = 201;
      ctx.body = library.get(meta.id);
    } finally {
      await unlink(temp).catch(() => undefined);
    }
  });

  return router;
}
