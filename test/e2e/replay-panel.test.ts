import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configSchema } from '../../server/config.js';
import { createHub, type Hub } from '../../server/hub.js';
import { FIXTURE_DYNO, syntheticRun, writeRunFile } from '../support/replay-fixtures.js';
import { freeTcpPort } from '../support/free-tcp-port.js';
import { freeUdpPort } from '../support/udp.js';

// The dashboard's Replay panel in headless Chromium against a real hub (no simulator): the operator types a run id,
// the replay's pushed position shows up, and the controls act on it; a run library's `.replay-slot` gets a button.

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const OPERATOR_TOKEN = 'e2e-operator-token-0123456789';
const RUN_ID = '20261130T010000Z-abcdef';

let hub: Hub;
let url = '';
let dataDir = '';
let browser: Browser | null = null;
let page: Page;
const pageErrors: string[] = [];

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'jd-e2e-replay-'));
  mkdirSync(join(dataDir, 'runs'));
  const datagrams = syntheticRun(FIXTURE_DYNO, { startNs: 1_764_464_400_000_000_000n, durationMs: 4000, periodMs: 20 });
  await writeRunFile(join(dataDir, 'runs', `${RUN_ID}.mcap`), datagrams, { name: 'E2E pull' });
  const config = configSchema.parse({
    host: '127.0.0.1',
    port: await freeTcpPort(),
    jetdrivePort: await freeUdpPort(),
    interfaces: ['127.0.0.1'],
    sim: false,
    dataDir,
    operatorToken: OPERATOR_TOKEN,
    logLevel: 'silent',
  });
  hub = createHub(config);
  url = (await hub.start()).url;
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  const context = await browser.newContext({ viewport: { width: 1600, height: 1000 } });
  page = await context.newPage();
  page.on('pageerror', (err) => pageErrors.push(err.message));
  await page.goto(`${url}/`);
  await page.fill('#token-field input[name="token"]', OPERATOR_TOKEN);
  await Promise.all([page.waitForEvent('load'), page.click('#token-field button[type="submit"]')]);
  await page.waitForSelector('#token-field[data-token="set"]', { timeout: 10_000 });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await hub?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

const line = () => page.textContent('#replay .replay-list li .replay-line');

describe('dashboard Replay panel', () => {
  it('starts a replay by run id, shows its pushed position, pauses and stops it', async () => {
    await page.fill('#replay input[type="text"]', RUN_ID);
    await page.selectOption('#replay select', '2');
    await page.click('#replay .replay-form button');
    await page.waitForFunction(
      () =>
        /^playing \d+\.\d s \/ 4\.0 s at 2x · replay:E2E pull\/Simulated Dyno$/.test(
          document.querySelector('#replay .replay-line')?.textContent ?? '',
        ),
      undefined,
      { timeout: 10_000 },
    );
    await page.click('#replay .replay-list li button:text("pause")');
    await page.waitForFunction(() => document.querySelector('#replay .replay-line')?.textContent?.startsWith('paused'));
    const [replay] = hub.replays.list();
    expect(replay).toMatchObject({ state: 'paused', runId: RUN_ID, rate: 2 });
    expect(await line()).toMatch(new RegExp(`^paused ${(replay.positionMs / 1000).toFixed(1)} s`));
    await page.click('#replay .replay-list li button:text("stop")');
    await page.waitForFunction(() => document.querySelectorAll('#replay .replay-list li').length === 0);
    expect(hub.replays.list()).toEqual([]);
  });

  it('puts a Replay button in every run library slot, and says why a start failed', async () => {
    await page.evaluate((id) => {
      const slot = document.createElement('span');
      slot.className = 'replay-slot';
      slot.dataset.runId = id;
      document.body.append(slot);
    }, RUN_ID);
    await page.click(`.replay-slot[data-run-id="${RUN_ID}"] button`);
    await page.waitForFunction(() => document.querySelectorAll('#replay .replay-list li').length === 1);
    expect(hub.replays.list()).toEqual([expect.objectContaining({ runId: RUN_ID })]);
    await page.click('#replay .replay-list li button:text("stop")');
    await page.fill('#replay input[type="text"]', '20261130T010000Z-000000');
    await page.click('#replay .replay-form button');
    await page.waitForFunction(() =>
      /^replay: no run file at /.test(document.querySelector('#replay .replay-message')?.textContent ?? ''),
    );
    expect(pageErrors).toEqual([]);
  });
});
