import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeFrame } from '../../server/protocol/index.js';
import { command, connectViewer, type TestSocket } from '../support/start-test-hub.js';
import { closeSocket, freeUdpPort, openLoopbackMulticast } from '../support/udp.js';
import { until } from '../support/until.js';

// `npm start` as a real process, busy: a tuning session running and viewers subscribed. SIGTERM must end it
// within 5 s with exit code 0, after the simulator sent ClearChannelInfo for both its providers and every viewer's
// socket was closed by the server.

const TOKEN = 'sigterm-operator-token-0123456789';
const VIEWERS = 20;

let child: ChildProcess | null = null;
afterAll(() => {
  child?.kill('SIGKILL');
});

describe('SIGTERM while busy', () => {
  it('exits 0 within 5 s with a session running: ClearChannelInfo sent, every viewer socket closed', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'jd-sigterm-'));
    const jetdrivePort = await freeUdpPort();
    const listener = await openLoopbackMulticast(jetdrivePort);
    const names = new Map<number, string>();
    const cleared = new Set<string>();
    listener.on('message', (bytes) => {
      try {
        const m = decodeFrame(bytes);
        if (m.type === 'ChannelInfo') names.set(m.host, m.providerName);
        if (m.type === 'ClearChannelInfo') cleared.add(names.get(m.host) ?? `0x${m.host.toString(16)}`);
      } catch {
        // only ChannelInfo and ClearChannelInfo matter here
      }
    });
    const proc = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        'server/main.ts',
        '--port',
        '0',
        '--jetdrive-port',
        String(jetdrivePort),
        '--data-dir',
        dataDir,
      ],
      {
        env: { ...process.env, LOG_LEVEL: 'info', LOG_JSON: '1', VITEST: '', HUB_OPERATOR_TOKEN: TOKEN },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    child = proc;
    let out = '';
    proc.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
    });
    const viewers: TestSocket[] = [];
    try {
      const url = (
        await until(() => /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out)?.[1], 20_000, 'the hub')
      ).toString();
      await until(() => names.size === 2, 10_000, 'both simulated providers');
      for (let i = 0; i < VIEWERS; i++) {
        const viewer = await connectViewer(url);
        expect(await command(viewer, 'channel:subscribe', { selectors: ['*'], maxHz: 20 })).toMatchObject({ ok: true });
        viewers.push(viewer);
      }
      const disconnects = viewers.map(
        (v) =>
          new Promise<{ reason: string; at: number }>((resolve) =>
            v.once('disconnect', (reason) => resolve({ reason, at: Date.now() })),
          ),
      );
      const started = await fetch(`${url}/api/virtual-tune/start`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify({ max_iterations: 50 }),
      });
      expect(started.status).toBe(200);
      const { session_id: id } = (await started.json()) as { session_id: string };
      await until(
        async () =>
          ((await (await fetch(`${url}/api/virtual-tune/status/${id}`)).json()) as { status: string }).status ===
          'running',
        5_000,
        'the session to run',
        20,
      );

      const exit = new Promise<{ code: number | null; signal: string | null; at: number }>((resolve) =>
        proc.once('exit', (code, signal) => resolve({ code, signal, at: Date.now() })),
      );
      const sentAt = Date.now();
      proc.kill('SIGTERM');
      const { code, signal, at } = await exit;
      const closed = await Promise.all(disconnects);
      await until(() => cleared.size === 2, 2_000, 'ClearChannelInfo from both providers');
      const lastClose = Math.max(...closed.map((c) => c.at)) - sentAt;
      process.stdout.write(
        `[stress] SIGTERM with a running session and ${VIEWERS} viewers: exit code ${code} after ${at - sentAt} ms; ` +
          `ClearChannelInfo from ${[...cleared].sort().join(' and ')}; all ${VIEWERS} sockets closed within ${lastClose} ms ` +
          `(${[...new Set(closed.map((c) => c.reason))].join(', ')})\n`,
      );
      expect(signal).toBeNull();
      expect(code).toBe(0);
      expect(at - sentAt).toBeLessThan(5_000);
      expect([...cleared].sort()).toEqual(['Atmospheric Probe', 'Simulated Dyno']);
      // Closed by the server, not left to time out.
      expect(lastClose).toBeLessThan(5_000);
      expect(closed.every((c) => c.reason === 'io server disconnect' || c.reason === 'transport close')).toBe(true);
      await expect(fetch(`${url}/health`)).rejects.toThrow();
      expect(out).toMatch(/shutting down \(SIGTERM\)/);
      expect(out).toMatch(/jetdrive-hub stopped/);
    } finally {
      for (const v of viewers) v.close();
      await closeSocket(listener);
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
