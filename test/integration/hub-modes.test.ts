import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runTsScript, type ScriptResult } from '../support/run-ts-script.js';
import { HUB_OPERATOR, startTestHub, type TestHub } from '../support/start-test-hub.js';
import { createTestProvider } from '../support/test-jetdrive-provider.js';

const CLI = fileURLToPath(new URL('../../client-sdk/src/cli.ts', import.meta.url));

interface StatusBody {
  source: string;
  providers: { name: string; online: boolean; channel_count: number }[];
}

function runCli(args: string[], env: Record<string, string>): Promise<ScriptResult> {
  return runTsScript(CLI, args, { LOG_LEVEL: 'silent', ...env }).finished;
}

describe('CLI tune against a real hub', () => {
  let t: TestHub;
  beforeAll(async () => {
    t = await startTestHub();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('runs a session to convergence, with a progress bar and the result table', async () => {
    const run = await runCli(['tune', '--profile', 'twin_cam_103', '--scenario', 'lean'], {
      JETDRIVE_HUB_URL: t.url,
      JETDRIVE_HUB_TOKEN: HUB_OPERATOR,
    });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/\[#+\.*\]\s+\d+%\s+iteration 1/);
    expect(run.stdout).toMatch(/session tune_\d+_\d+ converged/);
    expect(run.stdout).toMatch(/^iter\s+max err/m);
  });

  it('refuses without the operator token and says how to give it', async () => {
    const run = await runCli(['tune'], { JETDRIVE_HUB_URL: t.url, JETDRIVE_HUB_TOKEN: '' });
    expect(run.code).not.toBe(0);
    expect(`${run.stdout}${run.stderr}`).toMatch(/operator token/);
  });
});

describe('live mode (--no-sim) on loopback only', () => {
  let t: TestHub;
  beforeAll(async () => {
    // Live mode with the interface pinned to loopback: nothing joins or leaves on another interface.
    t = await startTestHub({ sim: false, interfaces: ['127.0.0.1'] });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('labels the source live and shows a provider on the network', async () => {
    const before = (await (await fetch(`${t.url}/api/jetdrive/status`)).json()) as StatusBody;
    expect(before.source).toBe('live');
    expect(before.providers).toEqual([]);
    const provider = await createTestProvider({
      port: t.jetdrivePort,
      hostId: 0x43fd,
      name: 'Power Core',
      channels: [{ channelId: 42, vendor: 0, name: 'Digital RPM 1', unit: 8 }],
    });
    try {
      await provider.sendInfo();
      await provider.sendValues([{ channelId: 42, value: 3100 }]);
      const deadline = Date.now() + 5000;
      let seen: StatusBody['providers'] = [];
      while (Date.now() < deadline) {
        seen = ((await (await fetch(`${t.url}/api/jetdrive/status`)).json()) as StatusBody).providers;
        if (seen.some((p) => p.name === 'Power Core' && p.channel_count === 1)) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      expect(seen).toEqual([expect.objectContaining({ name: 'Power Core', online: true, channel_count: 1 })]);
    } finally {
      await provider.close();
    }
  });
});
