import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { spawnHub } from '../support/spawn-hub.js';
import { freeUdpPort } from '../support/udp.js';

// The operator token without HUB_OPERATOR_TOKEN: generated at the first start, stored 0600 in the data directory
// and printed once (the line says where it is); the next start reuses it silently. The printed token works.

const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

async function startOnce(dataDir: string, work: (url: string) => Promise<void>): Promise<string> {
  const hub = spawnHub({
    jetdrivePort: await freeUdpPort(),
    dataDir,
    args: ['--no-sim'],
    env: { HUB_OPERATOR_TOKEN: '', HUB_VIEWER_TOKEN: '' },
  });
  const proc = hub.proc;
  try {
    const url = await hub.listening();
    await work(url);
  } finally {
    const exited = new Promise((resolve) => proc.once('exit', resolve));
    proc.kill('SIGTERM');
    await exited;
  }
  return hub.output();
}

describe('operator token at start-up', () => {
  it('is generated and printed once, stored 0600, and reused without printing on the next start', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'jd-token-start-'));
    dirs.push(dataDir);
    const file = join(dataDir, 'operator-token');
    let stored = '';
    const first = await startOnce(dataDir, async (url) => {
      stored = (await readFile(file, 'utf8')).trim();
      const refused = await fetch(`${url}/api/virtual-tune/cleanup`, { method: 'POST' });
      expect(refused.status).toBe(401);
      const allowed = await fetch(`${url}/api/virtual-tune/cleanup`, {
        method: 'POST',
        headers: { authorization: `Bearer ${stored}` },
      });
      expect(allowed.status).toBe(200);
    });
    expect(stored).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    const printed = first.split('\n').filter((line) => line.includes(stored));
    expect(printed).toHaveLength(1);
    expect(printed[0]).toContain(file);
    expect(printed[0]).toMatch(/shown this once/);
    // Live mode from the test helper: joined on loopback and nowhere else (network safety).
    const joins = [...first.matchAll(/joined (\S+) on ([0-9.]+)/g)].map((m) => m[2]);
    expect(joins).toEqual(['127.0.0.1']);

    const second = await startOnce(dataDir, async () => undefined);
    expect(second).not.toContain(stored);
    expect(second).toMatch(/operator token: using the one stored in .*operator-token \(not printed\)/);
    expect((await readFile(file, 'utf8')).trim()).toBe(stored);
  });
});
