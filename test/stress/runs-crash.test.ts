import type { ChildProcess } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunSummary } from '@jetdrive-hub/client/contract';
import { afterEach, describe, expect, it } from 'vitest';
import { readRunFileIndependently } from '../support/runs-file-reader.js';
import { spawnHub } from '../support/spawn-hub.js';
import { freeUdpPort } from '../support/udp.js';
import { until } from '../support/until.js';

// kill -9 of a real hub process while it records: the journal it leaves is finalised at the next start, listed with
// `recovered: true`, readable by an independent MCAP reader, and misses at most the last second before the kill.

const TOKEN = 'runs-crash-operator-token-0123';
const procs: ChildProcess[] = [];
let dataDir: string | null = null;

afterEach(async () => {
  for (const p of procs.splice(0)) p.kill('SIGKILL');
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
  dataDir = null;
});

async function startHub(dir: string, jetdrivePort: number) {
  const hub = spawnHub({ jetdrivePort, dataDir: dir, args: ['--no-auto-record'], env: { HUB_OPERATOR_TOKEN: TOKEN } });
  procs.push(hub.proc);
  const url = await hub.listening(30_000);
  return { hub, url };
}

describe('a hub killed while recording', () => {
  it('loses at most 1 s, and the run is recovered at the next start', async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'jd-runs-crash-'));
    const jetdrivePort = await freeUdpPort();
    const first = await startHub(dataDir, jetdrivePort);
    await until(
      () => /provider:online.*Simulated Dyno|provider:online.*Dyno/.test(first.hub.output()),
      15_000,
      'the dyno',
    );
    const start = await fetch(`${first.url}/api/runs/record/start`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Crash test' }),
    });
    expect(start.status).toBe(200);
    const { runId } = (await start.json()) as { runId: string };
    const runsDir = join(dataDir, 'runs');
    await until(async () => (await readdir(runsDir)).includes(`${runId}.mcap.part`), 5000, 'the journal');
    await new Promise((r) => setTimeout(r, 2500));
    const exited = new Promise((resolve) => first.hub.proc.once('exit', resolve));
    const killedAt = Date.now();
    first.hub.proc.kill('SIGKILL');
    await exited;
    expect(await readdir(runsDir)).toContain(`${runId}.mcap.part`);

    const second = await startHub(dataDir, jetdrivePort);
    const page = (await (await fetch(`${second.url}/api/runs`)).json()) as { runs: RunSummary[] };
    const run = page.runs.find((r) => r.id === runId);
    expect(run).toMatchObject({ recovered: true, name: 'Crash test', endReason: 'crash' });
    expect(await readdir(runsDir)).not.toContain(`${runId}.mcap.part`);

    const file = await readRunFileIndependently(join(runsDir, `${runId}.mcap`));
    expect(file.messages.length).toBeGreaterThan(50);
    const lastMs = Number((file.messages.at(-1)?.logTime ?? 0n) / 1_000_000n);
    console.log(
      `[runs-crash] kill -9 after ${file.messages.length} recorded datagrams: the last one kept was received ${killedAt - lastMs} ms before the kill`,
    );
    expect(killedAt - lastMs).toBeLessThanOrEqual(1000);
    expect(file.metadata.at(-1)).toMatchObject({ id: runId, recovered: true, datagrams: file.messages.length });
  }, 90_000);

  it('SIGTERM while recording finishes the run: saved whole from its raw journal, nothing to recover', async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'jd-runs-term-'));
    const { hub, url } = await startHub(dataDir, await freeUdpPort());
    await until(() => /provider:online.*Dyno/.test(hub.output()), 15_000, 'the dyno');
    const start = await fetch(`${url}/api/runs/record/start`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Term test' }),
    });
    const { runId } = (await start.json()) as { runId: string };
    await new Promise((r) => setTimeout(r, 1500));
    const exited = new Promise<number | null>((resolve) => hub.proc.once('exit', (code) => resolve(code)));
    hub.proc.kill('SIGTERM');
    expect(await exited).toBe(0);
    // The journal was whole: its conversion read every record to the end.
    expect(hub.output()).not.toMatch(/ends early|cannot be recovered/);

    const runsDir = join(dataDir, 'runs');
    const names = await readdir(runsDir);
    expect(names).toContain(`${runId}.mcap`);
    expect(names).not.toContain(`${runId}.mcap.part`);
    const file = await readRunFileIndependently(join(runsDir, `${runId}.mcap`));
    expect(file.messages.length).toBeGreaterThan(30);
    expect(file.metadata.at(-1)).toMatchObject({
      id: runId,
      name: 'Term test',
      endReason: 'shutdown',
      recovered: false,
      datagrams: file.messages.length,
    });
  }, 90_000);
});
