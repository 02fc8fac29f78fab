import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Koa from 'koa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cachedDashboardBuild, createDashboardRouter } from '../../../server/dashboard/index.js';
import { errorMiddleware } from '../../../server/http/error-middleware.js';

// The router bundles the real page with esbuild, so this also fails when a change elsewhere (the SDK, the shared
// conversion table) breaks the page's build.

let server: Server;
let base = '';

beforeAll(async () => {
  const app = new Koa();
  app.silent = true;
  app.use(errorMiddleware(1024));
  const router = createDashboardRouter({ hubParser: 'msgpack', defaultUnitSystem: 'metric' });
  app.use(router.routes());
  app.use(router.allowedMethods());
  server = createServer(app.callback());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

async function assets(): Promise<{ html: string; js: string; css: string }> {
  const html = await (await fetch(`${base}/`)).text();
  const js = /<script type="module" src="([^"]+)"/.exec(html)?.[1];
  const css = /<link rel="stylesheet" href="([^"]+)"/.exec(html)?.[1];
  if (!js || !css) throw new Error(`index.html names no JS or CSS asset:\n${html}`);
  return { html, js, css };
}

describe('createDashboardRouter', () => {
  it('serves the page, revalidated on every load, naming hashed assets, the hub parser and unit system', async () => {
    const res = await fetch(`${base}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('cache-control')).toBe('no-cache');
    const { html, js, css } = await assets();
    expect(js).toMatch(/^\/dashboard\/app-[A-Z0-9]+\.js$/);
    expect(css).toMatch(/^\/dashboard\/app-[A-Z0-9]+\.css$/);
    expect(html).toContain('<meta name="jetdrive-parser" content="msgpack">');
    expect(html).toContain('<meta name="jetdrive-units" content="metric">');
  });

  it('serves the bundle as immutable JavaScript and CSS (uPlot styles included)', async () => {
    const { js, css } = await assets();
    const jsRes = await fetch(base + js);
    expect(jsRes.status).toBe(200);
    expect(jsRes.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(jsRes.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect((await jsRes.text()).length).toBeGreaterThan(10_000);
    const cssRes = await fetch(base + css);
    expect(cssRes.headers.get('content-type')).toBe('text/css; charset=utf-8');
    const cssText = await cssRes.text();
    expect(cssText).toContain('.uplot');
    expect(cssText).toContain('.tile');
  });

  it('answers 304 to a matching ETag and 404 to an unknown asset', async () => {
    const { js } = await assets();
    const etag = (await fetch(base + js)).headers.get('etag');
    expect(etag).toMatch(/^"[\w-]+"$/);
    const again = await fetch(base + js, { headers: { 'if-none-match': etag ?? '' } });
    expect(again.status).toBe(304);
    const missing = await fetch(`${base}/dashboard/app-DOESNOTEXIST.js`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({
      success: false,
      error: { code: 'DASHBOARD_ASSET_NOT_FOUND', message: 'no dashboard asset "app-DOESNOTEXIST.js"' },
    });
  });

  it('answers a failed bundle with 500 and its reason, for the page and its assets (not a 404)', async () => {
    const app = new Koa();
    app.silent = true;
    app.use(errorMiddleware(1024));
    const broken = createDashboardRouter({}, () => Promise.reject(new Error('Could not resolve "uplot"')));
    app.use(broken.routes());
    const failing = createServer(app.callback());
    await new Promise<void>((resolve) => failing.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(failing.address() as AddressInfo).port}`;
      for (const path of ['/', '/dashboard/app-ABC.js']) {
        const res = await fetch(url + path);
        expect(res.status, path).toBe(500);
        expect(res.headers.get('cache-control')).toBe('no-store');
        expect(await res.json()).toEqual({
          success: false,
          error: { code: 'DASHBOARD_BUILD_FAILED', message: 'dashboard bundle failed: Could not resolve "uplot"' },
        });
      }
    } finally {
      await new Promise<void>((resolve) => failing.close(() => resolve()));
    }
  });

  it('builds once per process for the same options', async () => {
    const first = cachedDashboardBuild({ hubParser: 'msgpack', defaultUnitSystem: 'metric' });
    expect(cachedDashboardBuild({ hubParser: 'msgpack', defaultUnitSystem: 'metric' })).toBe(first);
    const { js } = await assets();
    expect((await first).assets.has(js.slice('/dashboard/'.length))).toBe(true);
  });

  it('rejects an asset path that is not a plain "/dir/" path', () => {
    expect(() => createDashboardRouter({ assetPath: 'assets' })).toThrow(
      'dashboard assetPath must be a path like "/dashboard/", got "assets"',
    );
    expect(() => createDashboardRouter({ assetPath: '/a/:b/' })).toThrow('got "/a/:b/"');
  });
});
