import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configSchema } from '../../server/config.js';
import { createHub } from '../../server/hub.js';
import { createTestProvider } from '../support/test-jetdrive-provider.js';

// The dashboard in a real headless Chromium against a real hub (ingest + simulator + HTTP + Socket.IO on loopback).
// One hub and one page for the whole file: starting Chromium is the slow part.

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARTIFACTS = join(process.cwd(), 'artifacts');
const TERMINAL = ['converged', 'failed', 'stopped', 'max_iterations'];
const OPERATOR_TOKEN = 'e2e-operator-token-0123456789';

let hub: Awaited<ReturnType<typeof createHub>> | null = null;
let url = '';
const jetdrivePort = randomHighPort();
let browser: BrowserContext | null = null;
let page: Page;
let profileDir = '';
let dataDir = '';
const pageErrors: string[] = [];

function randomHighPort(): number {
  return 30_000 + Math.floor(Math.random() * 25_000);
}

async function readNum(quantity: string): Promise<string> {
  return (await page.textContent(`.tile[data-quantity="${quantity}"] .num`)) ?? '';
}

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'jd-e2e-data-'));
  profileDir = mkdtempSync(join(tmpdir(), 'jd-e2e-chromium-'));
  const config = configSchema.parse({
    host: '127.0.0.1',
    port: 0,
    jetdrivePort,
    interfaces: ['127.0.0.1'],
    sim: true,
    simAutoPull: true,
    simAutoPullIntervalS: 4,
    dataDir,
    operatorToken: OPERATOR_TOKEN,
    logLevel: 'silent',
  });
  hub = createHub(config);
  ({ url } = await hub.start());
  // Playwright takes the fresh profile directory as launchPersistentContext's argument (it refuses a
  // --user-data-dir flag); the other flags keep Chromium off the network and quiet.
  browser = await chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM,
    viewport: { width: 1600, height: 1000 },
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  page = await browser.newPage();
  page.on('pageerror', (err) => pageErrors.push(err.message));
  page.on('console', (msg) => {
    if (msg.type() === 'error') pageErrors.push(msg.text());
  });
  await page.goto(url);
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await hub?.stop();
  rmSync(profileDir, { recursive: true, force: true });
  rmSync(dataDir, { recursive: true, force: true });
});

describe('dashboard', () => {
  it('serves the page and hashed assets with their content types and cache headers', async () => {
    const res = await fetch(url + '/');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/html');
    expect(res.headers.get('cache-control')).toBe('no-cache');
    const html = await res.text();
    const js = /src="([^"]+\.js)"/.exec(html)?.[1];
    const css = /href="([^"]+\.css)"/.exec(html)?.[1];
    expect(js).toMatch(/^\/dashboard\/app-[A-Z0-9]+\.js$/);
    const jsRes = await fetch(url + js);
    expect(jsRes.headers.get('content-type')).toContain('text/javascript');
    expect(jsRes.headers.get('cache-control')).toContain('immutable');
    const etag = jsRes.headers.get('etag');
    expect(etag).toBeTruthy();
    const again = await fetch(url + js, { headers: { 'if-none-match': etag ?? '' } });
    expect(again.status).toBe(304);
    const cssRes = await fetch(url + css);
    expect(cssRes.headers.get('content-type')).toContain('text/css');
    expect((await fetch(url + '/dashboard/app-NOPE.js')).status).toBe(404);
  });

  it('connects and shows the simulated source', async () => {
    await page.waitForSelector('#connection[data-state="connected"]', { timeout: 15_000 });
    await page.waitForFunction(() => document.getElementById('source')?.textContent === 'SIMULATED', null, {
      timeout: 10_000,
    });
    await page.waitForSelector('#providers .provider[data-online="true"]', { timeout: 15_000 });
  });

  it('shows RPM that changes over time, fresh (not greyed)', async () => {
    await page.waitForSelector('.tile[data-quantity="rpm"][data-stale="false"]', { timeout: 15_000 });
    const seen = new Set<string>();
    for (let i = 0; i < 20 && seen.size < 3; i++) {
      const text = await readNum('rpm');
      if (/^\d+$/.test(text)) seen.add(text);
      await page.waitForTimeout(250);
    }
    expect(seen.size).toBeGreaterThanOrEqual(3);
    expect(await page.getAttribute('.tile[data-quantity="power"]', 'data-missing')).toBe('false');
  });

  it('draws the live chart', async () => {
    await page.waitForFunction(() => Number(document.getElementById('live-chart')?.dataset.points ?? 0) >= 20, null, {
      timeout: 10_000,
    });
    expect(await page.locator('#live-chart canvas').count()).toBeGreaterThan(0);
  });

  it('plots power and torque against RPM for a pull, with the peaks', async () => {
    // The simulator pulls by itself every few seconds (simAutoPullIntervalS above).
    await page.waitForFunction(() => Number(document.getElementById('pull-chart')?.dataset.points ?? 0) >= 10, null, {
      timeout: 30_000,
    });
    const info = (await page.textContent('#pull-info')) ?? '';
    expect(info).toMatch(/Pull \d+/);
    expect(info).toMatch(/\d+\.\d hp/);
    expect(info).toMatch(/\d+\.\d ft·lb/);
  });

  it('lists channels with provider, unit and quantity, flags unmapped ones, and filters them', async () => {
    // A third-party provider with a channel nothing can map: the browser must flag it.
    const probe = await createTestProvider({
      port: jetdrivePort,
      hostId: 0x5e5e,
      name: 'Shop Widget',
      channels: [{ channelId: 7, vendor: 0, name: 'Widget Flux', unit: 255 }],
    });
    try {
      await probe.sendInfo();
      for (let i = 0; i < 5; i++) {
        await probe.sendValues([{ channelId: 7, value: 3 + i }]);
        await page.waitForTimeout(100);
      }
      await page.waitForSelector('#channel-browser tbody tr[data-quantity="rpm"]', { timeout: 10_000 });
      const widget = page.locator('#channel-browser tbody tr', { hasText: 'Widget Flux' });
      await widget.waitFor({ timeout: 10_000 });
      expect(await widget.locator('.unmapped').textContent()).toMatch(/^unmapped · /);
      expect(await widget.textContent()).toContain('Shop Widget');
    } finally {
      await probe.close();
    }
    const rows = await page.locator('#channel-browser tbody tr').count();
    expect(rows).toBeGreaterThanOrEqual(5);
    await page.fill('#channel-browser input[type="search"]', 'rpm');
    const visible = await page.locator('#channel-browser tbody tr:not([hidden])').count();
    expect(visible).toBeGreaterThan(0);
    expect(visible).toBeLessThan(rows);
    await page.fill('#channel-browser input[type="search"]', '');
  });

  it('switches power between hp and kW', async () => {
    const unit = () => page.textContent('.tile[data-quantity="power"] .unit');
    await page.click('#unit-toggle button[data-system="imperial"]');
    await page.waitForTimeout(100);
    expect(await unit()).toBe('hp');
    await page.click('#unit-toggle button[data-system="metric"]');
    await page.waitForFunction(
      () => document.querySelector('.tile[data-quantity="power"] .unit')?.textContent === 'kW',
    );
    await page.click('#unit-toggle button[data-system="imperial"]');
    await page.waitForFunction(
      () => document.querySelector('.tile[data-quantity="power"] .unit')?.textContent === 'hp',
    );
  });

  it('refuses the tuning controls without the operator token, then takes the token typed into the header', async () => {
    expect(await page.getAttribute('#token-field', 'data-token')).toBe('none');
    await page.click('#tuning button[data-action="start"]');
    await page.waitForFunction(
      () => /Start failed: .*operator token/.test(document.querySelector('#tuning .progress-msg')?.textContent ?? ''),
      null,
      { timeout: 10_000 },
    );
    await page.fill('#token-field input[name="token"]', OPERATOR_TOKEN);
    await Promise.all([page.waitForEvent('load'), page.click('#token-field button[type="submit"]')]);
    await page.waitForSelector('#token-field[data-token="set"]', { timeout: 10_000 });
    await page.waitForSelector('#connection[data-state="connected"]', { timeout: 15_000 });
  });

  it('runs a tuning session from the page to a terminal status and renders its heatmaps', async () => {
    await page.selectOption('#tuning select[name="base_ve_scenario"]', 'lean');
    await page.fill('#tuning input[name="max_iterations"]', '3');
    await page.click('#tuning button[data-action="start"]');
    await page.waitForFunction(
      (terminal) => terminal.includes(document.getElementById('session-status')?.dataset.status ?? ''),
      TERMINAL,
      { timeout: 90_000, polling: 250 },
    );
    await page.waitForSelector('[data-heatmap="afr-error"] td[data-value]', { timeout: 10_000 });
    expect(await page.locator('[data-heatmap="afr-error"] td').count()).toBe(99);
    expect(await page.locator('[data-heatmap="ve-correction"] td[data-value]').count()).toBeGreaterThan(0);
    expect(await page.locator('#iteration-table tbody tr').count()).toBeGreaterThanOrEqual(1);
    await page.waitForSelector('#sessions-table tbody tr[data-session]', { timeout: 5_000 });
  });

  it('cleans up ended sessions from the page', async () => {
    await page.click('#tuning button[data-action="cleanup"]');
    await page.waitForFunction(
      () => document.querySelectorAll('#sessions-table tbody tr[data-session]').length === 0,
      null,
      {
        timeout: 10_000,
      },
    );
    // The heatmaps of the session on screen stay: cleanup removes it from the hub, not from the operator's view.
    expect(await page.locator('[data-heatmap="afr-error"] td[data-value]').count()).toBeGreaterThan(0);
  });

  it('counts a second tab as a second viewer with its own data', async () => {
    const viewers = async (): Promise<number> => {
      const body = (await (await fetch(`${url}/api/jetdrive/status`)).json()) as { viewers?: unknown };
      return typeof body.viewers === 'number' ? body.viewers : -1;
    };
    const before = await viewers();
    expect(before).toBeGreaterThanOrEqual(1);
    const second = await page.context().newPage();
    try {
      await second.goto(url);
      await second.waitForSelector('.tile[data-quantity="rpm"][data-stale="false"]', { timeout: 15_000 });
      expect(await viewers()).toBe(before + 1);
    } finally {
      await second.close();
    }
  });

  it('keeps a screenshot and logged no page errors', async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    // The sticky header would otherwise sit over the middle of a full-page shot taken while scrolled.
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard.png'), fullPage: true });
    expect(pageErrors).toEqual([]);
  });

  it('greys values when data stops, and shows the lost connection', async () => {
    await hub?.simulator?.stop();
    await page.waitForSelector('.tile[data-quantity="rpm"][data-stale="true"]', { timeout: 10_000 });
    await hub?.stop();
    await page.waitForSelector('#connection:not([data-state="connected"])', { timeout: 10_000 });
  });

  it('reconnects by itself when the hub comes back on the same address', async () => {
    const port = Number(new URL(url).port);
    hub = createHub(
      configSchema.parse({
        host: '127.0.0.1',
        port,
        jetdrivePort,
        interfaces: ['127.0.0.1'],
        sim: true,
        dataDir,
        operatorToken: OPERATOR_TOKEN,
        logLevel: 'silent',
      }),
    );
    await hub.start();
    await page.waitForSelector('#connection[data-state="connected"]', { timeout: 20_000 });
    await page.waitForSelector('.tile[data-quantity="rpm"][data-stale="false"]', { timeout: 15_000 });
  });
});
