import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configSchema } from '../../server/config.js';
import { createHub, type Hub } from '../../server/hub.js';
import { launchChromium } from '../support/launch-chromium.js';
import { freeUdpPort } from '../support/udp.js';
import { horizontalOverflow } from './horizontal-overflow.js';

// The live VE analysis panel in a real headless Chromium against a real hub with its simulated dyno pulling by itself
// (standalone: its own hub, browser and page). The operator starts an analysis from the panel, the heatmaps fill and
// trace the operating point, stop, export and reset work from their buttons.

const OPERATOR_TOKEN = 'e2e-operator-token-0123456789';
const ARTIFACTS = join(process.cwd(), 'artifacts');
let hub: Hub;
let url = '';
let browser: Browser;
let page: Page;
let dataDir = '';
const pageErrors: string[] = [];

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'jd-e2e-analysis-'));
  const config = configSchema.parse({
    host: '127.0.0.1',
    port: 0,
    jetdrivePort: await freeUdpPort(),
    interfaces: ['127.0.0.1'],
    simAutoPull: true,
    simAutoPullIntervalS: 4,
    dataDir,
    operatorToken: OPERATOR_TOKEN,
    logLevel: 'silent',
  });
  hub = createHub(config);
  url = (await hub.start()).url;
  browser = await launchChromium();
  const context = await browser.newContext({ viewport: { width: 1600, height: 1200 } });
  page = await context.newPage();
  page.on('pageerror', (err) => pageErrors.push(err.message));
  await page.goto(url);
  await page.fill('#token-field input[name="token"]', OPERATOR_TOKEN);
  await Promise.all([page.waitForEvent('load'), page.click('#token-field button[type="submit"]')]);
  await page.waitForSelector('#connection[data-state="connected"]', { timeout: 15_000 });
}, 90_000);

afterAll(async () => {
  await browser?.close();
  await hub?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

const filled = (name: string) =>
  page.getAttribute(`[data-heatmap="${name}"]`, 'data-filled').then((v) => Number(v ?? 0));

describe('live VE analysis panel', () => {
  it('starts on the simulated dyno, fills and traces the grid, stops, exports and resets', async () => {
    // The provider list comes from the catalog; the simulated dyno is the first provider the hub sees.
    await page.waitForFunction(
      () => document.querySelector<HTMLInputElement>('#analysis input[name="provider"]')?.value !== '',
    );
    await page.fill('#analysis input[name="provider"]', 'Simulated Dyno');
    await page.click('[data-action="analysis-start"]');
    await page.waitForSelector('#analysis-status[data-status="running"]', { timeout: 10_000 });
    await page.waitForFunction(
      () =>
        Number(document.querySelector('[data-heatmap="analysis-hits-front"]')?.getAttribute('data-filled') ?? 0) >= 5,
      undefined,
      { timeout: 60_000 },
    );
    expect(await filled('analysis-hits-rear')).toBeGreaterThanOrEqual(5);
    expect(await filled('analysis-afr-front')).toBeGreaterThanOrEqual(5);
    // The suggested-change map fills where a cell has enough hits.
    await page.waitForFunction(
      () => Number(document.querySelector('[data-heatmap="analysis-ve-front"]')?.getAttribute('data-filled') ?? 0) >= 1,
      undefined,
      { timeout: 30_000 },
    );
    // The operating point is traced while the engine runs on the table.
    await page.waitForSelector('[data-heatmap="analysis-hits-front"] td.op-now', { timeout: 30_000 });

    mkdirSync(ARTIFACTS, { recursive: true });
    await page.locator('#analysis').screenshot({ path: join(ARTIFACTS, 'analysis-panel.png') });

    // The filled heatmaps fit a 400 px phone too: nothing of the panel sticks out sideways.
    await page.setViewportSize({ width: 400, height: 900 });
    const phone = await horizontalOverflow(page, '#analysis, #analysis table.heatmap, #analysis .heatmap-block');
    await page.locator('#analysis').screenshot({ path: join(ARTIFACTS, 'analysis-panel-phone.png') });
    expect(phone.outside).toEqual([]);
    expect(phone.scrollWidth).toBeLessThanOrEqual(phone.inner);
    await page.setViewportSize({ width: 1600, height: 1200 });

    await page.click('[data-action="analysis-stop"]');
    await page.waitForSelector('#analysis-status[data-status="stopped"]', { timeout: 10_000 });

    await page.click('[data-export="hits"][data-bank="front"]');
    await page.waitForSelector('.analysis-export:not([hidden])');
    const csv = (await page.textContent('.analysis-export')) ?? '';
    expect(csv.split('\n')[0]).toBe('rpm\\MAP (kPa),20,30,40,50,60,70,80,90,100');
    expect(await page.getAttribute('.analysis-export', 'data-filename')).toMatch(/-front-hits\.csv$/);

    await page.click('[data-action="analysis-reset"]');
    await page.waitForFunction(
      () =>
        Number(document.querySelector('[data-heatmap="analysis-hits-front"]')?.getAttribute('data-filled') ?? 1) === 0,
      undefined,
      { timeout: 10_000 },
    );
    expect(pageErrors).toEqual([]);
  }, 120_000);

  it('analyses a recorded run offline on a TPS table (the axis says TPS %), then accumulates a second run', async () => {
    // The auto-pulling simulator is recorded into the run library; the panel lists the finished runs.
    await page.waitForFunction(
      () => (document.querySelector('#analysis select[name="run"]')?.children.length ?? 0) >= 1,
      undefined,
      {
        timeout: 60_000,
      },
    );
    await page.selectOption('#analysis select[name="load"]', 'tps');
    await page.click('[data-action="analysis-run"]');
    await page.waitForFunction(
      () =>
        Number(document.querySelector('[data-heatmap="analysis-hits-front"]')?.getAttribute('data-filled') ?? 0) >= 3 &&
        document.querySelector('#analysis-status')?.getAttribute('data-status') === 'stopped',
      undefined,
      { timeout: 30_000 },
    );
    expect(await page.textContent('[data-heatmap="analysis-hits-front"] thead th')).toBe('TPS %');
    const before = await filled('analysis-hits-front');
    await page.click('[data-action="analysis-add-run"]');
    await page.waitForFunction(
      () => /runs: .*\(done\) · .*\(done\)/.test(document.querySelector('.analysis-runs')?.textContent ?? ''),
      undefined,
      {
        timeout: 30_000,
      },
    );
    expect(await filled('analysis-hits-front')).toBeGreaterThanOrEqual(before);
    await page.locator('#analysis').screenshot({ path: join(ARTIFACTS, 'analysis-panel-offline.png') });
    expect(pageErrors).toEqual([]);
  }, 120_000);
});
