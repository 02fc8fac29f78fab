import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { listenForClears } from '../support/listen-for-clears.js';
import { spawnHub } from '../support/spawn-hub.js';
import { command, connectViewer, type TestSocket } from '../support/start-test-hub.js';
import { closeSocket, freeUdpPort } from '../support/udp.js';
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
    const { socket: listener, names, cleared } = await listenForClears(jetdrivePort);
    const hub = spawnHub({ jetdrivePort, dataDir, env: { HUB_OPERATOR_TOKEN: TOKEN } });
    const proc = hub.proc;
    child = proc;
    const viewers: TestSocket[] = [];
    try {
      const url = await hub.listening();
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
      expect(hub.output()).toMatch(/shutting down \(SIGTERM\)/);
      expect(hub.output()).toMatch(/jetdrive-hub stopped/);
    } finally {
      for (const v of viewers) v.close();
      await closeSocket(listener);
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
