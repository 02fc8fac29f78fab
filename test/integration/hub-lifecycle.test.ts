import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { io as connectSocket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config.js';
import { createHub, type Hub } from '../../server/hub.js';
import { listenForClears } from '../support/listen-for-clears.js';
import { processesWith, spawnBin, spawnHub, spawnNpmStart } from '../support/spawn-hub.js';
import { closeSocket, freeUdpPort } from '../support/udp.js';
import { until } from '../support/until.js';

interface StatusBody {
  source: string;
  providers: { name: string; online: boolean; channel_count: number }[];
}

/** The `msg` of each JSON log line. */
function messages(output: string): string[] {
  return output
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => String((JSON.parse(line) as { msg?: unknown }).msg ?? ''));
}

describe('hub with the embedded simulator', () => {
  let hub: Hub;
  let url: string;
  let jetdrivePort: number;
  let dataDir: string;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'hub-'));
    jetdrivePort = await freeUdpPort();
    const config = loadConfig(
      ['--port', '0', '--jetdrive-port', String(jetdrivePort), '--data-dir', dataDir, '--iface', '127.0.0.1'],
      {},
    );
    hub = createHub(config, { dashboard: false });
    ({ url } = await hub.start());
  });

  afterAll(async () => {
    await hub?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('labels the source simulated and sees both simulated providers over loopback JetDrive', async () => {
    let body: StatusBody | null = null;
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline) {
      body = (await (await fetch(`${url}/api/jetdrive/status`)).json()) as StatusBody;
      if (body.providers.filter((p) => p.online && p.channel_count > 0).length === 2) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(body?.source).toBe('simulated');
    expect(body?.providers.map((p) => p.name).sort()).toEqual(['Atmospheric Probe', 'Simulated Dyno']);
    expect(body?.providers.find((p) => p.name === 'Simulated Dyno')?.channel_count).toBe(16);
  });

  it('greets Socket.IO viewers on the same port with the simulated source', async () => {
    const client = connectSocket(url, { transports: ['websocket'], reconnection: false });
    try {
      const hello = await new Promise<{ source: string; protocolVersion: number }>((resolve, reject) => {
        client.once('hello', resolve);
        client.once('connect_error', reject);
      });
      expect(hello.source).toBe('simulated');
    } finally {
      client.close();
    }
  });

  it('sends ClearChannelInfo for both providers and closes its sockets on stop', async () => {
    const known = new Map(hub.ingest.registry.catalog().providers.map((p) => [p.hostId, p.name] as const));
    const { socket, cleared } = await listenForClears(jetdrivePort, known);
    try {
      await hub.stop();
      await until(() => cleared.size === 2, 3000, 'ClearChannelInfo from both providers');
      expect([...cleared].sort()).toEqual(['Atmospheric Probe', 'Simulated Dyno']);
      await expect(fetch(`${url}/health`)).rejects.toThrow();
    } finally {
      await closeSocket(socket);
    }
  });
});

describe('npm start (server/main.ts) as a process', () => {
  let child: ChildProcess | null = null;
  afterAll(() => {
    child?.kill('SIGKILL');
  });

  it('exits 0 within 5 s of SIGTERM, after sending ClearChannelInfo', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'hub-main-'));
    const jetdrivePort = await freeUdpPort();
    const { socket, cleared } = await listenForClears(jetdrivePort);
    const token = 'lifecycle-operator-token-0123456789';
    const hub = spawnHub({ jetdrivePort, dataDir, env: { HUB_OPERATOR_TOKEN: token } });
    const proc = hub.proc;
    child = proc;
    try {
      const url = await hub.listening();
      await until(() => /Atmospheric Probe: 3 channels mapped/.test(hub.output()), 10_000, 'the simulated providers');
      // A mapping write logs what it changed, once; no provider's summary is logged again for it.
      const beforeWrite = messages(hub.output()).length;
      const put = await fetch(`${url}/api/jetdrive/mapping/${encodeURIComponent('Simulated Dyno')}`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ channels: { 'Digital RPM 1': { display_name: 'Engine RPM' } } }),
      });
      expect(put.status).toBe(200);
      const exit = new Promise<{ code: number | null; at: number }>((resolve) =>
        proc.once('exit', (code) => resolve({ code, at: Date.now() })),
      );
      const sentAt = Date.now();
      proc.kill('SIGTERM');
      const { code, at } = await exit;
      expect(code).toBe(0);
      expect(at - sentAt).toBeLessThan(5000);
      await until(() => cleared.size === 2, 2000, 'ClearChannelInfo from both providers');
      // The mapping summaries say only what there is: no "0 unmapped: []", no empty summary after the clear.
      const summaries = messages(hub.output()).filter((msg) => / channels mapped/.test(msg));
      expect(summaries).toContain('Simulated Dyno: 16 channels mapped');
      expect(summaries).toContain('Atmospheric Probe: 3 channels mapped');
      expect(summaries.filter((msg) => /unmapped|: 0 channels mapped$/.test(msg))).toEqual([]);
      // One line per event: the hub says once that it listens (with its URL and source).
      expect(messages(hub.output()).filter((msg) => /listening/i.test(msg) && !/passive/.test(msg))).toEqual([
        expect.stringMatching(/^jetdrive-hub listening on http:\/\/127\.0\.0\.1:\d+ /),
      ]);
      const afterWrite = messages(hub.output()).slice(beforeWrite);
      expect(afterWrite.filter((msg) => /mapping of|channels mapped/.test(msg))).toEqual([
        'mapping of "Simulated Dyno": "Digital RPM 1" → shown as "Engine RPM"',
      ]);
    } finally {
      await closeSocket(socket);
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});

describe('npm start under a process manager', () => {
  const started: ChildProcess[] = [];
  const dataDirs: string[] = [];
  afterAll(async () => {
    // A failed test may leave the hub behind its npm process: every process carrying a test's data directory goes.
    for (const proc of started) proc.kill('SIGKILL');
    for (const dir of dataDirs) for (const pid of await processesWith(dir)) process.kill(pid, 'SIGKILL');
  });

  // npm and sh do not forward signals reliably: the start script execs node, so the signal npm forwards reaches the
  // hub itself. The signal goes to the npm process's pid, as systemd or a container runtime would send it.
  it.each(['SIGTERM', 'SIGINT'] as const)(
    '%s to the npm process stops the hub: port closed, no hub process left',
    async (signal) => {
      const dataDir = await mkdtemp(join(tmpdir(), 'hub-npm-'));
      dataDirs.push(dataDir);
      const hub = spawnNpmStart({ jetdrivePort: await freeUdpPort(), dataDir });
      started.push(hub.proc);
      try {
        const url = await hub.listening(30_000);
        expect((await fetch(`${url}/health`)).status).toBe(200);
        const hubPids = await processesWith(dataDir);
        expect(hubPids.length).toBeGreaterThan(0);
        const exit = new Promise<number | null>((resolve) => hub.proc.once('exit', (code) => resolve(code)));
        expect(hub.proc.kill(signal)).toBe(true);
        await exit;
        await until(async () => (await processesWith(dataDir)).length === 0, 5_000, 'every hub process to end');
        await expect(fetch(`${url}/health`)).rejects.toThrow();
        expect(hub.output()).toMatch(new RegExp(`shutting down \\(${signal}\\)`));
        expect(hub.output()).toMatch(/jetdrive-hub stopped/);
      } finally {
        await rm(dataDir, { recursive: true, force: true });
      }
    },
  );
  // The service command: `npm install -g` / `npm link` put a symlink to server/jetdrive-hub.mjs on PATH. Run from
  // another directory it is the hub process itself (no npm or sh in between, unlike `npx`), so SIGTERM stops it.
  it('the package bin, run as installed from another directory, stops on SIGTERM: exit 0, no hub left', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'hub-bin-'));
    const dataDir = join(dir, 'data');
    dataDirs.push(dataDir);
    const command = join(dir, 'jetdrive-hub');
    await symlink(fileURLToPath(new URL('../../server/jetdrive-hub.mjs', import.meta.url)), command);
    const hub = spawnBin(command, { jetdrivePort: await freeUdpPort(), dataDir }, dir);
    started.push(hub.proc);
    try {
      const url = await hub.listening(30_000);
      expect((await fetch(`${url}/health`)).status).toBe(200);
      const exit = new Promise<number | null>((resolve) => hub.proc.once('exit', (code) => resolve(code)));
      expect(hub.proc.kill('SIGTERM')).toBe(true);
      expect(await exit).toBe(0);
      expect(await processesWith(dataDir)).toEqual([]);
      await expect(fetch(`${url}/health`)).rejects.toThrow();
      expect(hub.output()).toMatch(/jetdrive-hub stopped/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
