import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { configSchema } from '../../server/config.js';
import type { RunComparisonAnswer, RunCurvesAnswer, RunSummary, SessionResults } from '@jetdrive-hub/client/contract';
import { createHub, type Hub } from '../../server/hub.js';
import { correctionFactor } from '../../server/curves/index.js';
import type { Atmosphere } from '../../server/curves/index.js';
import { launchChromium } from '../support/launch-chromium.js';
import { horizontalOverflow } from './horizontal-overflow.js';
import { MAP_AXIS, RPM_AXIS } from '../../server/tuning/ve-grid.js';
import { createTestProvider } from '../support/test-jetdrive-provider.js';
import { until } from '../support/until.js';

// The dashboard in a real headless Chromium against a real hub (ingest + simulator + HTTP + Socket.IO on loopback).
// One browser and one hub for the file (starting them is the slow part); every case opens its own browser context
// and page, so no case depends on another's clicks, token or order. The cases that stop a hub start their own.

const ARTIFACTS = join(process.cwd(), 'artifacts');
const TERMINAL = ['converged', 'failed', 'stopped', 'max_iterations'];
const OPERATOR_TOKEN = 'e2e-operator-token-0123456789';
const RPM = [...RPM_AXIS];
const MAP = [...MAP_AXIS];

let hub: Hub | null = null;
let url = '';
const jetdrivePort = randomHighPort();
let browser: Browser | null = null;
let context: BrowserContext;
let page: Page;
let pageErrors: string[] = [];
const dirs: string[] = [];

function randomHighPort(): number {
  return 30_000 + Math.floor(Math.random() * 25_000);
}

async function readNum(quantity: string): Promise<string> {
  return (await page.textContent(`.tile[data-quantity="${quantity}"] .num`)) ?? '';
}

/** A hub with the embedded simulator on loopback, its own data directory, the known operator token. */
async function startHub(
  port: number,
  autoPull: boolean,
  jetdrive = jetdrivePort,
  more: { sim?: boolean; viewerToken?: string } = {},
): Promise<{ hub: Hub; url: string }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'jd-e2e-data-'));
  dirs.push(dataDir);
  const config = configSchema.parse({
    host: '127.0.0.1',
    port,
    jetdrivePort: jetdrive,
    interfaces: ['127.0.0.1'],
    sim: more.sim ?? true,
    viewerToken: more.viewerToken ?? null,
    simAutoPull: autoPull,
    simAutoPullIntervalS: 4,
    dataDir,
    operatorToken: OPERATOR_TOKEN,
    logLevel: 'silent',
  });
  const started = createHub(config);
  return { hub: started, url: (await started.start()).url };
}

/** A page in a browser context of its own (its own storage: no token, no unit choice), with its errors collected. */
async function openPage(at: string, viewport = { width: 1600, height: 1000 }): Promise<Page> {
  if (!browser) throw new Error('the browser did not start');
  await context?.close();
  context = await browser.newContext({ viewport });
  const opened = await context.newPage();
  opened.on('pageerror', (err) => pageErrors.push(err.message));
  opened.on('console', (msg) => {
    if (msg.type() === 'error') pageErrors.push(msg.text());
  });
  await opened.goto(at);
  return opened;
}

/** Types the operator token into the header and waits for the reconnect it causes. */
async function enterToken(): Promise<void> {
  await page.fill('#token-field input[name="token"]', OPERATOR_TOKEN);
  await Promise.all([page.waitForEvent('load'), page.click('#token-field button[type="submit"]')]);
  await page.waitForSelector('#token-field[data-token="set"]', { timeout: 10_000 });
  await page.waitForSelector('#connection[data-state="connected"]', { timeout: 15_000 });
}

/** Starts a session over HTTP with the operator token and waits for it to end; returns its id. */
async function startSession(body: Record<string, unknown>): Promise<string> {
  const started = await fetch(`${url}/api/virtual-tune/start`, {
    method: 'POST',
    headers: { authorization: `Bearer ${OPERATOR_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(started.status).toBe(200);
  const { session_id: id } = (await started.json()) as { session_id: string };
  await until(
    async () => {
      const res = await fetch(`${url}/api/virtual-tune/status/${id}`);
      return TERMINAL.includes(((await res.json()) as { status: string }).status);
    },
    90_000,
    'the session to end',
    100,
  );
  return id;
}

beforeAll(async () => {
  ({ hub, url } = await startHub(0, true));
  browser = await launchChromium();
}, 60_000);

beforeEach(async () => {
  pageErrors = [];
  page = await openPage(url);
});

afterEach(async () => {
  await context?.close();
  // Every case, on its own: the page logged no errors.
  expect(pageErrors).toEqual([]);
});

afterAll(async () => {
  await browser?.close();
  await hub?.stop();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
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
    // The legend says each thing once (the axis labels are drawn on the canvas: see the screenshots).
    const legend = await page.locator('#live-legend span').allTextContents();
    expect(legend).toContain('RPM');
    expect(legend.some((text) => /\((\w+)\)$/.exec(text)?.[1] === text.split(' ')[0])).toBe(false);
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

  it('shows power in hp by default and switches between hp and kW', async () => {
    const unitIs = (u: string) =>
      page.waitForFunction(
        (want) => document.querySelector('.tile[data-quantity="power"] .unit')?.textContent === want,
        u,
      );
    // A fresh browser has chosen nothing: the hub's default (imperial).
    await unitIs('hp');
    await page.click('#unit-toggle button[data-system="metric"]');
    await unitIs('kW');
    await page.click('#unit-toggle button[data-system="imperial"]');
    await unitIs('hp');
  });

  it('refuses the tuning controls without the operator token, then takes the token typed into the header', async () => {
    expect(await page.getAttribute('#token-field', 'data-token')).toBe('none');
    await page.waitForSelector('#connection[data-state="connected"]', { timeout: 15_000 });
    await page.click('#tuning button[data-action="start"]');
    await page.waitForFunction(
      () => /Start failed: .*operator token/.test(document.querySelector('#tuning .progress-msg')?.textContent ?? ''),
      null,
      { timeout: 10_000 },
    );
    await enterToken();
  });

  it('runs a tuning session from the page to a terminal status and renders its heatmaps', async () => {
    await enterToken();
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
    await page.waitForSelector('.heatmap-slot[data-cumulative="true"]', { state: 'attached', timeout: 10_000 });
  });

  it('tells sessions apart: unique ids, full ids in the title, engine and base VE columns from the hub', async () => {
    // Started over HTTP, not from this page: the columns come from the hub's session list, not from the browser.
    const a = await startSession({ engine_profile: 'm8_131', base_ve_scenario: 'rich', max_iterations: 1 });
    const b = await startSession({ engine_profile: 'sportbike_600', base_ve_scenario: 'perfect', max_iterations: 1 });
    const rowA = page.locator(`#sessions-table tr[data-session="${a}"]`);
    const rowB = page.locator(`#sessions-table tr[data-session="${b}"]`);
    await rowA.waitFor({ timeout: 10_000 });
    await rowB.waitFor({ timeout: 10_000 });
    expect(await rowA.locator('.session-profile').textContent()).toBe('M8-131 Big Bore');
    expect(await rowA.locator('.session-scenario').textContent()).toBe('Rich base VE (+10 %)');
    expect(await rowB.locator('.session-profile').textContent()).toBe('CBR600RR');
    expect(await rowB.locator('.session-scenario').textContent()).toBe('Perfect base VE');
    const idA = (await rowA.locator('.session-id').textContent()) ?? '';
    const idB = (await rowB.locator('.session-id').textContent()) ?? '';
    expect(idA).not.toBe(idB);
    expect(a.startsWith(idA) && b.startsWith(idB)).toBe(true);
    expect(await rowA.getAttribute('title')).toContain(a);
  });

  it('sets the start form to the session picked in the list', async () => {
    const id = await startSession({ engine_profile: 'twin_cam_103', base_ve_scenario: 'rich', max_iterations: 2 });
    // The form starts at its defaults, none of which the session has.
    expect(await page.inputValue('#tuning select[name="engine_profile"]')).toBe('m8_114');
    await page.click(`#sessions-table tr[data-session="${id}"]`, { timeout: 10_000 });
    await page.waitForFunction(
      () =>
        (document.querySelector('#tuning select[name="engine_profile"]') as HTMLSelectElement).value === 'twin_cam_103',
      null,
      { timeout: 5_000 },
    );
    expect(await page.inputValue('#tuning select[name="base_ve_scenario"]')).toBe('rich');
    expect(await page.inputValue('#tuning input[name="max_iterations"]')).toBe('2');
  });

  it('shows the VE correction summed over all iterations of a session picked after it ended', async () => {
    const id = await startSession({ base_ve_scenario: 'lean', max_iterations: 3 });
    const results = (await (await fetch(`${url}/api/virtual-tune/results/${id}`)).json()) as SessionResults;
    const total = results.cumulative_ve_correction_pct;
    if (!total) throw new Error('the results carry no cumulative correction');
    await page.click(`#sessions-table tr[data-session="${id}"]`, { timeout: 10_000 });
    const slot = page.locator('.heatmap-slot[data-cumulative="true"]');
    await slot.waitFor({ state: 'attached', timeout: 10_000 });
    const n = results.iterations.length;
    expect(await slot.textContent()).toContain(`total over ${n} iteration`);
    // Every cell shows the mean of front and rear of the hub's total, which is not the last iteration's map.
    const cells = await slot
      .locator('td[data-value]')
      .evaluateAll((tds) =>
        tds.map((td) => [
          Number(td.getAttribute('data-rpm')),
          Number(td.getAttribute('data-map')),
          Number(td.getAttribute('data-value')),
        ]),
      );
    expect(cells).toHaveLength(99);
    let differs = false;
    for (const [rpm, map, value] of cells) {
      const r = RPM.indexOf(rpm);
      const m = MAP.indexOf(map);
      const want = (Number(total.front[r][m]) + Number(total.rear[r][m])) / 2;
      expect(value).toBeCloseTo(want, 6);
      const last = results.cell_maps?.ve_correction_pct;
      const lastMean = last ? ((last.front[r][m] ?? 0) + (last.rear[r][m] ?? 0)) / 2 : 0;
      if (Math.abs(want - lastMean) > 0.01) differs = true;
    }
    expect(cells.some(([, , v]) => Math.abs(v) > 1)).toBe(true);
    expect(differs).toBe(true);
  });

  it('shows the iteration table in the unit system the page shows', async () => {
    const id = await startSession({ base_ve_scenario: 'lean', max_iterations: 1 });
    const results = (await (await fetch(`${url}/api/virtual-tune/results/${id}`)).json()) as SessionResults;
    const peakHp = results.iterations[0].peak_hp;
    await page.click(`#sessions-table tr[data-session="${id}"]`, { timeout: 10_000 });
    const row = page.locator('#iteration-table tbody tr').first();
    await row.waitFor({ timeout: 10_000 });
    const powerCell = async () => Number((await row.locator('td').nth(-2).textContent()) ?? 'NaN');
    expect(await page.locator('#iteration-table thead th').allTextContents()).toContain('hp');
    expect(await powerCell()).toBeCloseTo(peakHp, 1);
    await page.click('#unit-toggle button[data-system="metric"]');
    const heads = await page.locator('#iteration-table thead th').allTextContents();
    expect(heads).toContain('kW');
    expect(heads).toContain('N·m');
    expect(await powerCell()).toBeCloseTo(peakHp * 0.7457, 0);
  });

  it('cleans up ended sessions from the page', async () => {
    // An ended session of its own, started over HTTP, so this case needs no other.
    const id = await startSession({ engine_profile: 'twin_cam_103', base_ve_scenario: 'lean', max_iterations: 1 });
    await enterToken();
    await page.waitForSelector(`#sessions-table tr[data-session="${id}"]`, { timeout: 10_000 });
    await page.click('#tuning button[data-action="cleanup"]');
    await page.waitForFunction(
      () => document.querySelectorAll('#sessions-table tbody tr[data-session]').length === 0,
      null,
      { timeout: 10_000 },
    );
  });

  it('counts a second tab as a second viewer with its own data', async () => {
    const viewers = async (): Promise<number> => {
      const body = (await (await fetch(`${url}/api/jetdrive/status`)).json()) as { viewers?: unknown };
      return typeof body.viewers === 'number' ? body.viewers : -1;
    };
    await page.waitForSelector('.tile[data-quantity="rpm"][data-stale="false"]', { timeout: 15_000 });
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

  it('keeps a screenshot of a live page', async () => {
    await page.waitForSelector('.tile[data-quantity="rpm"][data-stale="false"]', { timeout: 15_000 });
    await page.waitForFunction(() => Number(document.getElementById('live-chart')?.dataset.points ?? 0) >= 20, null, {
      timeout: 10_000,
    });
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard.png'), fullPage: true });
  });

  it('fits a 400 px phone: no horizontal overflow, the header wraps, charts and heatmaps within the viewport', async () => {
    const session = await startSession({ max_iterations: 1 });
    page = await openPage(url, { width: 400, height: 900 });
    await page.waitForSelector('.tile[data-quantity="rpm"][data-stale="false"]', { timeout: 15_000 });
    await page.waitForFunction(() => Number(document.getElementById('live-chart')?.dataset.points ?? 0) >= 20, null, {
      timeout: 10_000,
    });
    // A session's heatmaps drawn at this width too, so they are measured below and not merely absent.
    await page.click(`#sessions-table tr[data-session="${session}"]`, { timeout: 10_000 });
    await page.waitForSelector('[data-heatmap="afr-error"] td[data-value]', { timeout: 10_000 });
    expect(await page.locator('table.heatmap').count()).toBeGreaterThanOrEqual(2);
    const fit = await horizontalOverflow(page);
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard-phone.png'), fullPage: true });
    expect(fit.outside).toEqual([]);
    expect(fit.scrollWidth).toBeLessThanOrEqual(fit.inner);
  });

  it('fits the desktop width too (no horizontal overflow)', async () => {
    await page.waitForSelector('.tile[data-quantity="rpm"][data-stale="false"]', { timeout: 15_000 });
    const widths = await page.evaluate(() => ({
      scrollWidth: document.documentElement.scrollWidth,
      inner: window.innerWidth,
    }));
    expect(widths.scrollWidth).toBeLessThanOrEqual(widths.inner);
    expect(await page.isHidden('#banner')).toBe(true);
  });

  it('refuses a wrong token at once, without storing it', async () => {
    await page.waitForSelector('#connection[data-state="connected"]', { timeout: 15_000 });
    await page.fill('#token-field input[name="token"]', 'not-the-token-0123456789');
    await page.click('#token-field button[type="submit"]');
    await page.waitForSelector('#token-field[data-check="refused"]', { timeout: 5_000 });
    expect(await page.textContent('#token-field .token-state')).toContain('wrong token');
    expect(await page.evaluate(() => localStorage.getItem('jetdrive-hub.token'))).toBeNull();
    // Chromium logs the refused check (HTTP 401) as a console error: expected here.
    pageErrors = pageErrors.filter((e) => !e.includes('401'));
  });

  it('explains a hub that needs a token, and takes it from the banner', async () => {
    const viewerToken = 'e2e-viewer-token-0123456789';
    const own = await startHub(0, false, randomHighPort(), { viewerToken });
    try {
      page = await openPage(own.url);
      await page.waitForSelector('#banner[data-kind="unauthorized"]', { timeout: 10_000 });
      expect(await page.textContent('#banner')).toContain('needs a viewer or operator token');
      await page.fill('#banner input[name="token"]', viewerToken);
      await Promise.all([page.waitForEvent('load'), page.click('#banner button[type="submit"]')]);
      await page.waitForSelector('#connection[data-state="connected"]', { timeout: 15_000 });
      await page.waitForSelector('#banner[data-kind="none"]', { state: 'attached', timeout: 10_000 });
      pageErrors = pageErrors.filter((e) => !/401|403|Unauthorized|UNAUTHORIZED|websocket/i.test(e));
    } finally {
      // The page first: a hub stopping under an open page makes it log refused reconnects after the case ended.
      await context?.close();
      await own.hub.stop();
    }
  });

  it('names group, port and interfaces when a live hub has seen no provider yet', async () => {
    const ownJetdrive = randomHighPort();
    const own = await startHub(0, false, ownJetdrive, { sim: false });
    try {
      page = await openPage(own.url);
      await page.waitForSelector('#banner[data-kind="no-provider"]', { timeout: 10_000 });
      const text = (await page.textContent('#banner')) ?? '';
      expect(text).toContain('224.0.2.10');
      expect(text).toContain(`port ${ownJetdrive}`);
      expect(text).toContain('127.0.0.1');
      expect(text).toContain('firewall');
      // The older-compatible discovery route answers 404 while no channel has data: Chromium logs it.
      pageErrors = pageErrors.filter((e) => !e.includes('404'));
    } finally {
      // The page first: a hub stopping under an open page makes it log refused reconnects after the case ended.
      await context?.close();
      await own.hub.stop();
    }
  });

  it('greys values when data stops, shows the lost connection, and reconnects when the hub comes back', async () => {
    // A hub of its own, on a JetDrive port of its own (it must not hear the shared hub's simulator): it is stopped.
    const ownJetdrive = randomHighPort();
    let own = await startHub(0, false, ownJetdrive);
    try {
      page = await openPage(own.url);
      await page.waitForSelector('.tile[data-quantity="rpm"][data-stale="false"]', { timeout: 15_000 });
      await own.hub.simulator?.stop();
      await page.waitForSelector('.tile[data-quantity="rpm"][data-stale="true"]', { timeout: 10_000 });
      await own.hub.stop();
      await page.waitForSelector('#connection:not([data-state="connected"])', { timeout: 10_000 });
      // The banner says why nothing moves.
      await page.waitForSelector('#banner[data-kind="unreachable"]', { timeout: 10_000 });
      expect(await page.textContent('#banner')).toContain('is the hub running');
      // Back on the same address: the page reconnects by itself.
      own = await startHub(Number(new URL(own.url).port), false, ownJetdrive);
      await page.waitForSelector('#connection[data-state="connected"]', { timeout: 20_000 });
      await page.waitForSelector('.tile[data-quantity="rpm"][data-stale="false"]', { timeout: 15_000 });
      await page.waitForSelector('#banner[data-kind="none"]', { state: 'attached', timeout: 10_000 });
      // Chromium logs each refused reconnect attempt while the hub is down: expected here, and only here.
      pageErrors = pageErrors.filter((e) => !e.includes('net::ERR_CONNECTION_REFUSED'));
    } finally {
      // The page first: a hub stopping under an open page makes it log refused reconnects after the case ended.
      await context?.close();
      await own.hub.stop();
    }
  });
});

/**
 * The live pull as the overlay drew it (x = speed, DIN): the air it was corrected for is the probe's (the air the hub
 * found in the recorded runs), the factor is the one the hub's formulas give for that air, every live bin is its
 * uncorrected value times that factor, and the bins match the same pull's curve as the hub computes it once recorded.
 */
async function checkLivePull(p: Page, hubUrl: string, recorded: string, cmp: RunComparisonAnswer): Promise<void> {
  const data = await p.$eval('#overlay-chart', (e) => ({ ...(e as HTMLElement).dataset }));
  expect(data.liveX).toBe('speed');
  expect(data.liveCorrection).toBe('din');
  const air = JSON.parse(data.liveAir ?? '{}') as Atmosphere & { defaulted: boolean };
  const runAir = cmp.runs[0].curves.atmosphere;
  expect(air.defaulted).toBe(false);
  expect(Math.abs(air.tempC - runAir.tempC)).toBeLessThan(0.5);
  expect(Math.abs(air.pressureKpa - runAir.pressureKpa)).toBeLessThan(0.2);
  expect(Math.abs(air.humidityPct - runAir.humidityPct)).toBeLessThan(2);
  const factor = Number(data.liveFactor);
  expect(factor).toBe(correctionFactor('din', air).factor);
  expect(factor).not.toBe(1);

  const live = JSON.parse(data.live ?? '{}') as {
    x: number[];
    power: (number | null)[];
    uncorrected: (number | null)[];
  };
  expect(live.x).toEqual(cmp.x);
  const bins = live.x.flatMap((x, i) =>
    live.power[i] === null ? [] : [{ x, power: live.power[i] ?? 0, raw: live.uncorrected[i] ?? 0 }],
  );
  expect(bins.length).toBeGreaterThan(20);
  for (const b of bins) expect(b.power).toBeCloseTo(b.raw * factor, 9);

  // The recorded pull on the hub, same axis, standard and units, unsmoothed: the live bins are snapshots of it.
  const query = 'correction=din&smoothing=0&x=speed&units=imperial';
  const same = ((await (await fetch(`${hubUrl}/api/runs/${recorded}/curves?${query}`)).json()) as RunCurvesAnswer)
    .curves;
  expect(same.correction.factor).toBeCloseTo(factor, 3);
  const peak = same.peaks.raw.power?.value ?? Number.NaN;
  const off = bins.flatMap((b) => {
    const i = same.curves.x.indexOf(b.x);
    return i < 0 ? [] : [Math.abs(b.power - same.curves.power[i]) / peak];
  });
  expect(off.length).toBeGreaterThan(bins.length * 0.8);
  off.sort((a, b) => a - b);
  const median = off[Math.floor(off.length / 2)];
  console.log(
    `[overlay] live pull on x=speed, DIN CF ${factor.toFixed(4)} for ${air.tempC} °C ${air.pressureKpa} kPa ` +
      `${air.humidityPct} %: ${bins.length} bins, median |live − recorded| ${(median * 100).toFixed(2)} % of the peak`,
  );
  expect(median).toBeLessThan(0.02);
}

// Issue 17: runs recorded by a hub of its own (its own JetDrive port: the shared hub's auto pulls must not land in
// its library), one baseline pull and the same pull "tuned" (its CSV export with power and torque 4 % up, imported).
describe('run analysis in the page (standalone hub)', () => {
  let own: { hub: Hub; url: string } | null = null;
  let baseline = '';
  let tuned = '';

  /** The baseline's CSV export with its power and torque columns scaled by `f`. */
  function scaled(csv: string, f: number): string {
    const lines = csv.split('\n');
    const header = lines.findIndex((l) => l.startsWith('Time (s)'));
    const columns = lines[header].split(',').flatMap((h, i) => (/^(Power|Torque) \(/.test(h) ? [i] : []));
    return lines
      .map((line, row) => {
        if (row <= header || line === '') return line;
        const cells = line.split(',');
        for (const c of columns) if (cells[c] !== '') cells[c] = String(Number(cells[c]) * f);
        return cells.join(',');
      })
      .join('\n');
  }

  beforeAll(async () => {
    own = await startHub(0, false, randomHighPort());
    const started = own;
    await until(() => started.hub.ingest.registry.channelCount() > 10, 10_000, 'simulator channels');
    expect(started.hub.simulator?.pull().ok).toBe(true);
    await until(() => started.hub.runs.library.count === 1, 60_000, 'the baseline pull recorded');
    baseline = started.hub.runs.library.list({ offset: 0, limit: 1 }).runs[0].id;
    const csv = await (await fetch(`${started.url}/api/runs/${baseline}/export.csv`)).text();
    const imported = await fetch(`${started.url}/api/runs/import?name=${encodeURIComponent('Tuned +4 %')}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${OPERATOR_TOKEN}`, 'content-type': 'text/csv' },
      body: scaled(csv, 1.04),
    });
    expect(imported.status).toBe(201);
    tuned = ((await imported.json()) as { id: string }).id;
  }, 120_000);

  afterAll(async () => {
    await own?.hub.stop();
  });

  it('overlays runs picked in the run library with a legend per run; the live pull draws on top', async () => {
    if (!own) throw new Error('no hub');
    page = await openPage(own.url);
    await page.waitForSelector(`#run-library tr[data-run-id="${tuned}"] .overlay-pick input`, { timeout: 15_000 });
    await page.check(`#run-library tr[data-run-id="${baseline}"] .overlay-pick input`);
    await page.check(`#run-library tr[data-run-id="${tuned}"] .overlay-pick input`);
    await page.waitForSelector('#run-overlay[data-runs="2"]', { timeout: 15_000 });
    const api = (await (
      await fetch(`${own.url}/api/runs/compare?ids=${baseline},${tuned}&correction=sae&smoothing=2&units=imperial`)
    ).json()) as RunComparisonAnswer;
    const legend = await page.$$eval('.overlay-run', (rows) => rows.map((r) => r.textContent ?? ''));
    expect(legend).toHaveLength(2);
    expect(legend[1]).toContain('Tuned +4 %');
    api.runs.forEach((r, i) => {
      expect(legend[i]).toContain(`${r.curves.peaks.smoothed.power?.value.toFixed(1)} hp`);
    });
    expect(Number(await page.getAttribute('#overlay-chart', 'data-points'))).toBe(
      api.runs[0].power.filter((v) => v !== null).length,
    );
    // Another correction and the speed axis are computed by the hub again.
    await page.selectOption('.overlay-controls select[name="correction"]', 'din');
    await page.waitForFunction(() => document.querySelector('.overlay-status')?.textContent?.includes('DIN'), null, {
      timeout: 10_000,
    });
    await page.selectOption('.overlay-controls select[name="x"]', 'speed');
    const speedApi = (await (
      await fetch(`${own.url}/api/runs/compare?ids=${baseline},${tuned}&correction=din&smoothing=2&x=speed`)
    ).json()) as RunComparisonAnswer;
    await page.waitForFunction(
      (n) => Number(document.getElementById('overlay-chart')?.dataset.points) === n,
      speedApi.runs[0].power.filter((v) => v !== null).length,
      { timeout: 10_000 },
    );
    // A pull now (once the simulator is back at idle after the first): its points land on the baselines' speed grid,
    // under DIN for the probe's live air, and draw over them.
    const sim = own.hub.simulator;
    const before = own.hub.runs.library.count;
    await until(() => sim?.pull().ok === true, 30_000, 'the simulator to take a second pull', 200);
    await page.waitForFunction(
      () => Number(document.getElementById('overlay-chart')?.dataset.livePoints ?? 0) >= 5,
      null,
      { timeout: 30_000 },
    );
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.locator('#run-overlay').screenshot({ path: join(ARTIFACTS, 'run-overlay.png') });
    await until(() => own?.hub.runs.library.count === before + 1, 60_000, 'the live pull recorded');
    await page.waitForFunction(() => document.querySelector('.overlay-run.live')?.textContent?.startsWith('Last'));
    await checkLivePull(page, own.url, own.hub.runs.library.list({ offset: 0, limit: 1 }).runs[0].id, speedApi);
    await page.locator('#run-overlay').screenshot({ path: join(ARTIFACTS, 'run-overlay-speed.png') });
  }, 120_000);

  it("names the simulator's profile and VE scenario of each run in the run table (— for an imported one)", async () => {
    if (!own) throw new Error('no hub');
    const runs = ((await (await fetch(`${own.url}/api/runs`)).json()) as { runs: RunSummary[] }).runs;
    const simulated = runs.find((r) => r.id === baseline);
    // The baseline was pulled on the simulator, so it has a profile to show; the CSV import has none.
    expect(simulated?.profile).toEqual(expect.any(String));
    page = await openPage(own.url);
    const cell = (id: string) => `#run-library tr[data-run-id="${id}"] td.run-simulator`;
    await page.waitForSelector(cell(tuned), { timeout: 15_000 });
    const expected = simulated?.scenario ? `${simulated.profile} · ${simulated.scenario}` : simulated?.profile;
    expect(await page.textContent(cell(baseline))).toBe(expected);
    expect(await page.getAttribute(cell(baseline), 'data-scenario')).toBe(simulated?.scenario ?? '');
    expect(await page.textContent(cell(tuned))).toBe('—');
    expect(await page.textContent('#run-library thead')).toContain('Simulator');
  });

  it("opens the run sheet and its numbers equal the API's", async () => {
    if (!own) throw new Error('no hub');
    const query = 'correction=sae&smoothing=2&units=imperial';
    const api = (await (await fetch(`${own.url}/api/runs/${baseline}/curves?${query}`)).json()) as RunCurvesAnswer;
    page = await openPage(`${own.url}/api/runs/${baseline}/sheet?${query}`);
    const c = api.curves;
    const cell = (p: { value: number; rpm: number } | null, unit: string) =>
      `${p?.value.toFixed(1)} ${unit} @ ${p?.rpm.toFixed(0)} rpm`;
    expect(await page.textContent('table.peaks tr:nth-child(2) td[data-peak="power"]')).toBe(
      cell(c.peaks.smoothed.power, c.units.power),
    );
    expect(await page.textContent('table.peaks tr:nth-child(2) td[data-peak="torque"]')).toBe(
      cell(c.peaks.smoothed.torque, c.units.torque),
    );
    expect(await page.textContent('table.peaks tr:nth-child(3) td[data-peak="power"]')).toBe(
      cell(c.peaks.raw.power, c.units.power),
    );
    expect(await page.textContent('td[data-correction="sae"]')).toContain(c.correction.factor.toFixed(4));
    expect(await page.locator('svg').count()).toBeGreaterThanOrEqual(1);
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'run-sheet.png'), fullPage: true });
    await page.pdf({ path: join(ARTIFACTS, 'run-sheet.pdf'), format: 'A4' });
  });
});
