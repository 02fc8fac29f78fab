import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningScript, runTsScript } from '../support/run-ts-script.js';
import { HUB_OPERATOR, startTestHub, type TestHub } from '../support/start-test-hub.js';
import { until } from '../support/until.js';

// The SDK's examples show what the hub's dashboard shows: the hub's unit system (said in its hello) unless --units
// says otherwise. A metric hub's pull reads in kW and N·m; the same pull with --units imperial in hp and ft·lb.

const DETECT_PULL = fileURLToPath(new URL('../../client-sdk/examples/detect-pull.ts', import.meta.url));
const PULL_LINE = /^pull: [\d.]+ s, peak power ([\d.]+) (\S+) @ \d+ rpm, peak torque ([\d.]+) (\S+) @ \d+ rpm$/m;

let t: TestHub;
const running: RunningScript[] = [];

beforeAll(async () => {
  t = await startTestHub({ unitSystem: 'metric' });
});
afterAll(async () => {
  for (const script of running) script.proc.kill('SIGKILL');
  await t?.close();
});

function detectPull(args: string[]): RunningScript {
  const script = runTsScript(DETECT_PULL, args, { JETDRIVE_HUB_URL: t.url, JETDRIVE_HUB_TOKEN: '' });
  running.push(script);
  return script;
}

describe('client-sdk/examples/detect-pull.ts', () => {
  it("prints a pull's peaks in the hub's units, or in --units", async () => {
    const hubUnits = detectPull([]);
    const imperial = detectPull(['--units', 'imperial']);
    for (const script of [hubUnits, imperial]) {
      await until(() => script.stderr().includes('waiting for a pull'), 20_000, 'the example to connect');
    }
    const pull = await fetch(`${t.url}/api/jetdrive/simulator/pull`, {
      method: 'POST',
      headers: { authorization: `Bearer ${HUB_OPERATOR}` },
    });
    expect(pull.status).toBe(200);
    const metricLine = await until(() => PULL_LINE.exec(hubUnits.stdout()), 40_000, 'the pull, metric');
    const imperialLine = await until(() => PULL_LINE.exec(imperial.stdout()), 10_000, 'the pull, imperial');
    expect([metricLine[2], metricLine[4]]).toEqual(['kW', 'N·m']);
    expect([imperialLine[2], imperialLine[4]]).toEqual(['hp', 'ft·lb']);
    // The same pull: 1 kW = 1.341 hp, within the rounding to one decimal.
    expect(Number(imperialLine[1])).toBeCloseTo(Number(metricLine[1]) * 1.34102, 0);
  });
});
