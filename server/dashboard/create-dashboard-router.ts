import Router from '@koa/router';
import type { Context } from 'koa';
import { createLogger } from '../log.js';
import {
  cachedDashboardBuild,
  type DashboardAsset,
  type DashboardBuildOptions,
  type DashboardBundle,
  DEFAULT_DASHBOARD_BUILD_OPTIONS,
} from './build-dashboard.js';
import { DashboardError } from './dashboard-error.js';

const log = createLogger('dashboard');

export interface DashboardOptions extends DashboardBuildOptions {
  /** Cache-Control for the hashed JS/CSS: their names change with their content, so they never go stale. */
  assetCacheControl: string;
  /** The page itself must be revalidated, or a browser keeps asking for assets of an older build. */
  pageCacheControl: string;
}

export const DEFAULT_DASHBOARD_OPTIONS: DashboardOptions = {
  ...DEFAULT_DASHBOARD_BUILD_OPTIONS,
  assetCacheControl: 'public, max-age=31536000, immutable',
  pageCacheControl: 'no-cache',
};

function send(ctx: Context, file: DashboardAsset, cacheControl: string): void {
  ctx.set('Cache-Control', cacheControl);
  ctx.set('ETag', file.etag);
  ctx.set('X-Content-Type-Options', 'nosniff');
  if (ctx.get('if-none-match') === file.etag) {
    ctx.status = 304;
    return;
  }
  ctx.type = file.contentType;
  ctx.body = file.body;
}

/**
 * Serves the live dashboard at `/` and its bundled assets under `assetPath`. The page is bundled in-process with
 * esbuild on first use and kept in memory; every request awaits the same build. Failures are thrown as
 * DashboardErrors for the app's error middleware: a failed bundle is a 500 with its reason (for the page and for
 * every asset), an unknown asset a 404.
 */
export function createDashboardRouter(
  options: Partial<DashboardOptions> = {},
  build: (options: DashboardBuildOptions) => Promise<DashboardBundle> = cachedDashboardBuild,
): Router {
  const opts: DashboardOptions = { ...DEFAULT_DASHBOARD_OPTIONS, ...options };
  if (!/^\/([\w-]+\/)*$/.test(opts.assetPath)) {
    throw new Error(`dashboard assetPath must be a path like "/dashboard/", got "${opts.assetPath}"`);
  }
  // Built on the first request, not here: a hub in a test that never loads the page pays nothing, and the first
  // page load waits a few hundred milliseconds once.
  let logged = false;
  const bundle = (): Promise<DashboardBundle> =>
    build(opts).then(
      (built) => {
        if (!logged) {
          logged = true;
          log.info({ buildMs: built.buildMs, assets: [...built.assets.keys()] }, 'dashboard bundled');
        }
        return built;
      },
      (err: unknown) => {
        log.error({ err }, 'dashboard bundle failed');
        const reason = err instanceof Error ? err.message : String(err);
        throw new DashboardError('DASHBOARD_BUILD_FAILED', `dashboard bundle failed: ${reason}`, err);
      },
    );

  const router = new Router();
  router.get('/', async (ctx) => {
    send(ctx, (await bundle()).html, opts.pageCacheControl);
  });
  router.get(`${opts.assetPath}:file`, async (ctx) => {
    const file = (await bundle()).assets.get(ctx.params.file);
    if (!file) throw new DashboardError('DASHBOARD_ASSET_NOT_FOUND', `no dashboard asset "${ctx.params.file}"`);
    send(ctx, file, opts.assetCacheControl);
  });
  return router;
}
