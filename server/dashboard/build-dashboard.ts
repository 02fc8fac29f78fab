import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

// Bundles the page in-process (esbuild's JS API) so a fresh clone's `npm start` and the e2e test need no build step.
// The output lives in memory: one JS file, one CSS file, and the index HTML that names them by content hash.

export interface DashboardBuildOptions {
  /** URL path under which the hashed assets are served (must start and end with "/"). */
  assetPath: string;
  minify: boolean;
  /** Inline source maps help while debugging the page; they triple the bundle size. */
  sourcemap: boolean;
  /** Socket.IO parser the hub speaks; the page must connect with the same one. */
  hubParser: 'json' | 'msgpack';
  /** Unit system of a browser that has not chosen one yet (the hub's UNIT_SYSTEM). */
  defaultUnitSystem: 'imperial' | 'metric';
}

export const DEFAULT_DASHBOARD_BUILD_OPTIONS: DashboardBuildOptions = {
  assetPath: '/dashboard/',
  minify: true,
  sourcemap: false,
  hubParser: 'json',
  defaultUnitSystem: 'imperial',
};

export interface DashboardAsset {
  /** File name under assetPath, e.g. "app-3F2A1B.js". */
  name: string;
  contentType: string;
  body: Buffer;
  etag: string;
}

export interface DashboardBundle {
  html: DashboardAsset;
  /** Assets by file name. */
  assets: ReadonlyMap<string, DashboardAsset>;
  builtAt: number;
  buildMs: number;
}

const WEB_DIR = fileURLToPath(new URL('./web/', import.meta.url));

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
};

function etagOf(body: Buffer): string {
  return '"' + createHash('sha1').update(body).digest('base64url').slice(0, 20) + '"';
}

function asset(name: string, body: Buffer): DashboardAsset {
  const ext = name.slice(name.lastIndexOf('.'));
  return { name, contentType: CONTENT_TYPES[ext] ?? 'application/octet-stream', body, etag: etagOf(body) };
}

function escapeAttr(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
}

export async function buildDashboard(options: Partial<DashboardBuildOptions> = {}): Promise<DashboardBundle> {
  const opts = { ...DEFAULT_DASHBOARD_BUILD_OPTIONS, ...options };
  if (!opts.assetPath.startsWith('/') || !opts.assetPath.endsWith('/')) {
    throw new Error(`dashboard assetPath must start and end with "/", got "${opts.assetPath}"`);
  }
  const started = performance.now();
  const result = await build({
    entryPoints: { app: `${WEB_DIR}main.ts` },
    bundle: true,
    write: false,
    outdir: '/dashboard-out',
    entryNames: '[name]-[hash]',
    format: 'esm',
    platform: 'browser',
    target: ['chrome110', 'firefox110', 'safari16'],
    minify: opts.minify,
    sourcemap: opts.sourcemap ? 'inline' : false,
    legalComments: 'none',
    logLevel: 'silent',
    define: { 'process.env.NODE_ENV': '"production"' },
  });
  const assets = new Map<string, DashboardAsset>();
  let js: string | null = null;
  let css: string | null = null;
  for (const file of result.outputFiles) {
    const name = file.path.slice(file.path.lastIndexOf('/') + 1);
    assets.set(name, asset(name, Buffer.from(file.contents)));
    if (name.endsWith('.js')) js = name;
    else if (name.endsWith('.css')) css = name;
  }
  if (js === null || css === null) {
    throw new Error(
      `dashboard bundle is missing its ${js === null ? 'JS' : 'CSS'} output (${assets.size} files built)`,
    );
  }
  const template = await readFile(`${WEB_DIR}index.html`, 'utf8');
  const html = template
    .replace('%APP_CSS%', escapeAttr(opts.assetPath + css))
    .replace('%APP_JS%', escapeAttr(opts.assetPath + js))
    .replace('%PARSER%', opts.hubParser)
    .replace('%UNITS%', opts.defaultUnitSystem);
  return {
    html: asset('index.html', Buffer.from(html)),
    assets,
    builtAt: Date.now(),
    buildMs: Math.round(performance.now() - started),
  };
}

const cache = new Map<string, Promise<DashboardBundle>>();

/**
 * buildDashboard once per process and option set: several hubs in one process (tests) share one bundle. A failed
 * build is not kept, so the next request tries again.
 */
export function cachedDashboardBuild(options: Partial<DashboardBuildOptions> = {}): Promise<DashboardBundle> {
  const opts = { ...DEFAULT_DASHBOARD_BUILD_OPTIONS, ...options };
  const key = JSON.stringify([opts.assetPath, opts.minify, opts.sourcemap, opts.hubParser, opts.defaultUnitSystem]);
  let pending = cache.get(key);
  if (!pending) {
    pending = buildDashboard(opts);
    cache.set(key, pending);
    pending.catch(() => cache.delete(key));
  }
  return pending;
}
