import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runTsScript, type ScriptResult } from '../support/run-ts-script.js';
import { spawnHub } from '../support/spawn-hub.js';
import { HUB_OPERATOR, startTestHub, type TestHub } from '../support/start-test-hub.js';
import { createTestProvider } from '../support/test-jetdrive-provider.js';
import { freeUdpPort } from '../support/udp.js';
import { until } from '../support/until.js';

const CLI = fileURLToPath(new URL('../../client-sdk/src/cli.ts', import.meta.url));

interface StatusBody {
  source: string;
  providers: { name: string; online: boolean; channel_count: number }[];
}

/** A real-looking provider on the JetDrive port: announced, with one value sent. */
async function announcePowerCore(port: number) {
  const provider = await createTestProvider({
    port,
    hostId: 0x43fd,
    name: 'Power Core',
    channels: [{ channelId: 42, vendor: 0, name: 'Digital RPM 1', unit: 8 }],
  });
  await provider.sendInfo();
  await provider.sendValues([{ channelId: 42, value: 3100 }]);
  return provider;
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
    const provider = await announcePowerCore(t.jetdrivePort);
    try {
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

interface OriginBody {
  providers: { name: string; provider_id: number; online: boolean; simulator: string | null }[];
}

async function providersOf(url: string): Promise<OriginBody['providers']> {
  return ((await (await fetch(`${url}/api/jetdrive/status`)).json()) as OriginBody).providers;
}

describe('two hubs on one JetDrive port (loopback, interfaces pinned to 127.0.0.1)', () => {
  let a: TestHub;
  let b: TestHub;
  let live: TestHub;
  beforeAll(async () => {
    a = await startTestHub();
    b = await startTestHub({ jetdrivePort: a.jetdrivePort });
    live = await startTestHub({ jetdrivePort: a.jetdrivePort, sim: false });
  });
  afterAll(async () => {
    await Promise.all([a?.close(), b?.close(), live?.close()]);
  });

  it("each status marks its own simulator's providers and flags the other hub's", async () => {
    const ownIds = (t: TestHub) => new Set(t.hub.simulator?.status().providers.map((p) => p.hostId));
    for (const [self, other] of [
      [a, b],
      [b, a],
    ] as const) {
      const providers = await until(
        async () => {
          const seen = await providersOf(self.url);
          const named = seen.every((p) => !p.name.startsWith('Provider 0x'));
          return seen.filter((p) => p.online).length === 4 && named && seen;
        },
        10_000,
        'four simulated providers',
        50,
      );
      const mine = ownIds(self);
      const theirs = ownIds(other);
      expect(providers.filter((p) => mine.has(p.provider_id)).map((p) => p.simulator)).toEqual([
        'this_hub',
        'this_hub',
      ]);
      expect(providers.filter((p) => theirs.has(p.provider_id)).map((p) => p.simulator)).toEqual([
        'another_hub',
        'another_hub',
      ]);
    }
  });

  it("a hub without a simulator flags both hubs' simulators, and a real provider is neither", async () => {
    const provider = await announcePowerCore(a.jetdrivePort);
    try {
      const providers = await until(
        async () => {
          const seen = await providersOf(live.url);
          // Named: a provider is "Provider 0x…" until its ChannelInfo arrives, and the flag reads the name.
          return seen.length === 5 && seen.every((p) => !p.name.startsWith('Provider 0x')) && seen;
        },
        10_000,
        'four simulated providers and Power Core, named',
        50,
      );
      expect(providers.find((p) => p.name === 'Power Core')?.simulator).toBeNull();
      expect(providers.filter((p) => p.name !== 'Power Core').map((p) => p.simulator)).toEqual(
        Array(4).fill('another_hub'),
      );
    } finally {
      await provider.close();
    }
  });
});

describe('a live hub that sees no provider', () => {
  it('logs once why that may be: group, port, interfaces joined, firewall', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'hub-no-provider-'));
    const jetdrivePort = await freeUdpPort();
    const hub = spawnHub({ jetdrivePort, dataDir, args: ['--no-sim'], env: { JETDRIVE_NO_PROVIDER_WARN_MS: '300' } });
    try {
      await hub.listening();
      const hint = await until(
        () =>
          hub
            .output()
            .split('\n')
            .find((line) => line.includes('no JetDrive provider seen')),
        10_000,
        'the no-provider hint',
      );
      const { msg, level } = JSON.parse(hint) as { msg: string; level: number };
      expect(level).toBe(40);
      expect(msg).toBe(
        `no JetDrive provider seen in 300 ms: listening on group 224.0.2.10 port ${jetdrivePort}, joined 224.0.2.10 on 127.0.0.1. ` +
          `Is the dyno (Power Core) on and on this network? On a PC with several network cards set JETDRIVE_IFACE ` +
          `(--iface) to the one on the dyno's subnet, and allow inbound UDP ${jetdrivePort} in the firewall`,
      );
      // A readiness probe that asks for data gets 503 NOT_READY: its answer, not a fault to log with a stack.
      const url = await hub.listening();
      for (let i = 0; i < 3; i++) expect((await fetch(`${url}/ready?require_data=true`)).status).toBe(503);
      const exit = new Promise((resolve) => hub.proc.once('exit', resolve));
      hub.proc.kill('SIGTERM');
      await exit;
      expect(hub.output().match(/no JetDrive provider seen/g)).toHaveLength(1);
      const problems = hub
        .output()
        .split('\n')
        .filter((line) => line.startsWith('{') && (JSON.parse(line) as { level: number }).level >= 50);
      expect(problems).toEqual([]);
    } finally {
      hub.proc.kill('SIGKILL');
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
