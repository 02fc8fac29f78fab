import { fileURLToPath } from 'node:url';
import type { AnalysisGrid, AnalysisSummary, RunSummary } from '@jetdrive-hub/client/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectHub, type Hub } from '../../client-sdk/src/index.js';
import { runTsScript } from '../support/run-ts-script.js';
import { HUB_OPERATOR, startTestHub, type TestHub } from '../support/start-test-hub.js';
import { until } from '../support/until.js';

// A real hub with its simulated dyno: a pull is recorded into the run library, then analysed offline over HTTP (the
// same settings, grid and exports as a live analysis), accumulated with a second pass of the same run (hits add up
// exactly), over the SDK's addRuns and the CLI's `analysis start --run … --wait`; a live analysis takes no runs.

const CLI = fileURLToPath(new URL('../../client-sdk/src/cli.ts', import.meta.url));
const operator = { authorization: `Bearer ${HUB_OPERATOR}`, 'content-type': 'application/json' };
let t: TestHub;
let runId = '';

beforeAll(async () => {
  t = await startTestHub(
    { runPreRollS: 1, runPostRollS: 1, simProfile: 'm8_114' },
    { dashboard: false, simulator: { infoIntervalMs: 500, seed: 3 } },
  );
  await until(() => t.hub.ingest.registry.channelCount() >= 16, 5000, 'the simulator channels');
  expect(t.hub.simulator?.pull().ok).toBe(true);
  const ended = async () => {
    const page = (await (await fetch(`${t.url}/api/runs`)).json()) as { runs: RunSummary[] };
    return page.runs.find((r) => r.endedAt !== null);
  };
  runId = (await until(ended, 40_000, 'the pull recorded', 100)).id;
}, 60_000);

afterAll(async () => {
  await t.close();
});

async function http(method: string, path: string, body?: unknown) {
  const res = await fetch(`${t.url}${path}`, {
    method,
    headers: operator,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

async function fed(id: string): Promise<AnalysisSummary> {
  let summary: AnalysisSummary | undefined;
  await until(
    async () => {
      const list = (await http('GET', '/api/analysis')).json.analyses as AnalysisSummary[];
      summary = list.find((a) => a.id === id);
      return summary?.status === 'stopped';
    },
    20_000,
    'the runs fed',
    50,
  );
  return summary as AnalysisSummary;
}

const grid = async (id: string) => (await http('GET', `/api/analysis/${id}`)).json.grid as AnalysisGrid;
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

describe('offline analysis of a recorded run', () => {
  it('POST /api/analysis { run }: fed after the answer, the grid fills; a second pass adds up exactly', async () => {
    const started = await http('POST', '/api/analysis', { run: runId, load: 'map', weighting: 'nearest' });
    expect(started.status).toBe(201);
    const summary = started.json.analysis as AnalysisSummary;
    expect(summary).toMatchObject({ source: 'runs', provider: { name: 'Simulated Dyno' } });
    expect(summary.channels.banks.map((b) => b.name)).toEqual(['front', 'rear']);
    const done = await fed(summary.id);
    expect(done.runs).toEqual([expect.objectContaining({ id: runId, status: 'done', error: null })]);
    const once = await grid(summary.id);
    expect(once.counts.accepted).toBeGreaterThan(50);
    expect(sum(once.banks[0].hits)).toBeGreaterThan(50);

    const added = await http('POST', `/api/analysis/${summary.id}/runs`, { runs: [runId] });
    expect(added.status).toBe(200);
    expect((added.json.analysis as AnalysisSummary).status).toBe('running');
    await fed(summary.id);
    const twice = await grid(summary.id);
    expect(twice.banks.map((b) => b.hits)).toEqual(once.banks.map((b) => b.hits.map((h) => 2 * h)));
    expect(twice.counts.samples).toBe(2 * once.counts.samples);
    // The nearest-cell mean is the same over two identical passes.
    expect(twice.banks[0].afrError).toEqual(once.banks[0].afrError);

    const csv = await fetch(`${t.url}/api/analysis/${summary.id}/export/hits?bank=front`);
    expect((await csv.text()).split('\n')[0]).toBe('rpm\\MAP (kPa),20,30,40,50,60,70,80,90,100');
    const metrics = await (await fetch(`${t.url}/metrics`)).text();
    expect(metrics).toMatch(/jetdrive_analysis_samples\{outcome="accepted"\} [1-9]/);
  }, 60_000);

  it('refuses an unknown run, a run with a provider, and runs for a live analysis, naming the field', async () => {
    const unknown = await http('POST', '/api/analysis', { run: '20200101T000000Z-000000', load: 'map' });
    expect(unknown.status).toBe(404);
    expect(unknown.json.error).toMatchObject({ code: 'RUN_NOT_FOUND' });
    const both = await http('POST', '/api/analysis', { run: runId, provider: 'Simulated Dyno', load: 'map' });
    expect(both.status).toBe(400);
    expect(both.json.error).toMatchObject({ code: 'VALIDATION_FAILED', field: 'provider' });
    const live = await http('POST', '/api/analysis', { provider: 'Simulated Dyno', load: 'tps' });
    const id = (live.json.analysis as AnalysisSummary).id;
    const refused = await http('POST', `/api/analysis/${id}/runs`, { runs: [runId] });
    expect(refused.status).toBe(409);
    expect(refused.json.error).toMatchObject({ code: 'ANALYSIS_IS_LIVE', field: 'id' });
    // A TPS-load analysis says so in its exports.
    const csv = await fetch(`${t.url}/api/analysis/${id}/export/suggested`);
    expect((await csv.text()).split('\n')[0]).toBe('rpm\\TPS (%),0,10,20,30,40,50,60,70,80,90,100');
    for (const a of (await http('GET', '/api/analysis')).json.analyses as AnalysisSummary[]) {
      await http('DELETE', `/api/analysis/${a.id}`);
    }
  });

  it('SDK addRuns and the CLI: analysis start --run … --wait, then export', async () => {
    const hub: Hub = connectHub(t.url, { token: HUB_OPERATOR });
    try {
      await hub.whenConnected();
      const started = await runTsScript(
        CLI,
        ['--url', t.url, 'analysis', 'start', '--run', runId, '--load', 'map', '--wait'],
        { JETDRIVE_HUB_TOKEN: HUB_OPERATOR, LOG_LEVEL: 'silent' },
      ).finished;
      expect(started.stderr).toBe('');
      expect(started.code).toBe(0);
      const id = started.stdout.trim();
      const [summary] = (await hub.analysis.list()).filter((a) => a.id === id);
      expect(summary).toMatchObject({ status: 'stopped', runs: [expect.objectContaining({ status: 'done' })] });
      const more = await hub.analysis.addRuns({ id, runs: [runId] });
      expect(more.runs).toHaveLength(2);
      await until(
        async () => (await hub.analysis.list()).find((a) => a.id === id)?.status === 'stopped',
        20_000,
        'fed',
      );
      const hits = await hub.analysis.export({ id, kind: 'hits', bank: 'rear' });
      expect(hits.csv.split('\n')).toHaveLength(13);
      await hub.analysis.remove(id);
    } finally {
      hub.close();
    }
  }, 60_000);
});
