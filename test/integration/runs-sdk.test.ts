import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { connectHub, type Hub, type RunSummary } from '../../client-sdk/src/index.js';
import { runTsScript } from '../support/run-ts-script.js';
import { HUB_OPERATOR, startTestHub, type TestHub } from '../support/start-test-hub.js';
import { until } from '../support/until.js';

const CLI = fileURLToPath(new URL('../../client-sdk/src/cli.ts', import.meta.url));

let hub: TestHub | null = null;
let client: Hub | null = null;
let outDir: string | null = null;
afterEach(async () => {
  client?.close();
  client = null;
  await hub?.close();
  hub = null;
  if (outDir) await rm(outDir, { recursive: true, force: true });
  outDir = null;
});

describe('hub.runs (SDK) and `jetdrive runs` (CLI)', () => {
  it('records, lists, updates, downloads and deletes; events drive the recording indicator', async () => {
    hub = await startTestHub({ runAutoRecord: false }, { dashboard: false, simulator: { infoIntervalMs: 500 } });
    client = connectHub(hub.url, { token: HUB_OPERATOR });
    await client.whenConnected();
    const indicator: boolean[] = [];
    const changed: RunSummary[][] = [];
    client.runs.recording$.subscribe((r) => indicator.push(r));
    client.runs.changed$.subscribe((c) => changed.push(c));
    await until(() => (hub?.hub.ingest.registry.channelCount() ?? 0) > 10, 5000, 'simulator channels');

    const started = await client.runs.startRecording('SDK run');
    expect(started.state).toBe('recording');
    await until(() => indicator.at(-1) === true, 3000, 'recording indicator on');
    await new Promise((r) => setTimeout(r, 700));
    await client.runs.stopRecording();
    await until(() => indicator.at(-1) === false, 10_000, 'recording indicator off');
    await until(() => changed.length > 0, 3000, 'runs:changed');
    const id = started.runId ?? '';

    const page = await client.runs.list({ q: 'sdk' });
    expect(page.runs.map((r) => r.id)).toEqual([id]);
    expect(await client.runs.update(id, { notes: 'from the SDK' })).toMatchObject({ notes: 'from the SDK' });
    const file = await client.runs.download(id);
    expect(file.fileName).toMatch(/^SDK run .*\.mcap$/);
    await expect(client.runs.get('20990101T000000Z-000000')).rejects.toMatchObject({ code: 'RUN_NOT_FOUND' });

    outDir = await mkdtemp(join(tmpdir(), 'jd-runs-cli-'));
    const env = { JETDRIVE_HUB_TOKEN: '', LOG_LEVEL: 'silent' };
    const list = await runTsScript(CLI, ['runs', 'list', '--url', hub.url], env).finished;
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(new RegExp(`${id}\\s+SDK run`));
    // The simulator the run was recorded on, its profile and VE scenario, in the listing's own column.
    const summary = page.runs[0];
    expect(summary.profile).toEqual(expect.any(String));
    const simulator = summary.scenario === null ? summary.profile : `${summary.profile} ${summary.scenario}`;
    expect(list.stdout).toMatch(/\bsimulator\b/);
    expect(list.stdout.split('\n').find((l) => l.startsWith(id))).toContain(` ${simulator} `);
    const other = await runTsScript(CLI, ['runs', 'list', '--scenario', 'no-such', '--url', hub.url], env).finished;
    expect(other.stdout).toContain('0 of 0 run(s)');
    const get = await runTsScript(CLI, ['runs', 'get', id, '--url', hub.url], env).finished;
    expect(JSON.parse(get.stdout)).toMatchObject({ id, notes: 'from the SDK' });
    const target = join(outDir, 'run.mcap');
    const dl = await runTsScript(CLI, ['runs', 'download', id, '-o', target, '--url', hub.url], env).finished;
    expect(dl.code).toBe(0);
    expect(Buffer.from(await readFile(target)).equals(Buffer.from(file.bytes))).toBe(true);

    // The replay engine (server/replay) plays what the recorder wrote: its providers under the replay namespace.
    const replay = await client.runs.replay(id, { rate: 10 });
    await until(
      () => hub?.hub.ingest.registry.providers().some((p) => p.name.startsWith('replay:SDK run/')),
      5000,
      'the replayed providers',
    );
    await replay.stop();

    await client.runs.delete(id);
    expect((await client.runs.list()).total).toBe(0);
  }, 60_000);
});
