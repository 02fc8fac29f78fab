import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type AnalysisDelta,
  type AnalysisGrid,
  type AnalysisSummary,
  applyAnalysisDelta,
  type Result,
} from '@jetdrive-hub/client/contract';
import { connectViewer, HUB_OPERATOR, startTestHub, type TestHub, type TestSocket } from '../support/start-test-hub.js';
import { until } from '../support/until.js';

// A real hub with its simulated dyno on loopback: an analysis started by the provider's name fills its grid from the
// simulator's channels during a pull, and a viewer of `analysis:<id>` gets the whole grid, then deltas of changed
// cells at most every 200 ms, which rebuild exactly the grid the hub serves.

const PUSH_MS = 200;
let t: TestHub;
const sockets: TestSocket[] = [];

beforeAll(async () => {
  t = await startTestHub({ analysisPushIntervalMs: PUSH_MS });
});

afterAll(async () => {
  for (const s of sockets) s.disconnect();
  await t.close();
});

const operator = { authorization: `Bearer ${HUB_OPERATOR}`, 'content-type': 'application/json' };

async function post(path: string, body?: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(`${t.url}${path}`, {
    method: 'POST',
    headers: operator,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

async function getGrid(id: string): Promise<AnalysisGrid> {
  const res = await fetch(`${t.url}/api/analysis/${id}`);
  return ((await res.json()) as { grid: AnalysisGrid }).grid;
}

function ack<T>(emit: (cb: (r: Result<T>) => void) => void): Promise<T> {
  return new Promise((resolve, reject) =>
    emit((r) => (r.ok ? resolve(r.data) : reject(new Error(`${r.error.code}: ${r.error.message}`)))),
  );
}

describe('live analysis on the simulated dyno', () => {
  it('refuses an unknown setting naming it, and an unknown provider', async () => {
    const unknown = await post('/api/analysis', { provider: 'Simulated Dyno', load: 'map', maxHitz: 5 });
    expect(unknown.status).toBe(400);
    expect(unknown.json.error).toMatchObject({ code: 'VALIDATION_FAILED', field: 'maxHitz' });
    const nobody = await post('/api/analysis', { provider: 'No Such Dyno', load: 'map' });
    expect(nobody.status).toBe(404);
    expect(nobody.json.error).toMatchObject({ code: 'PROVIDER_NOT_FOUND', field: 'provider' });
  });

  it('starts by provider name, fills the grid in a pull, and pushes deltas no more often than every 200 ms', async () => {
    // The simulator announces its channels shortly after start.
    await until(() => t.hub.ingest.registry.channelCount() >= 16, 5000, 'the simulator channels');
    const started = await post('/api/analysis', { provider: 'Simulated Dyno', load: 'map' });
    expect(started.status).toBe(201);
    const summary = started.json.analysis as AnalysisSummary;
    expect(summary.channels.banks.map((b) => b.name)).toEqual(['front', 'rear']);
    expect(summary.status).toBe('running');

    const viewer = await connectViewer(t.url);
    sockets.push(viewer);
    const deltas: { at: number; delta: AnalysisDelta }[] = [];
    viewer.on('analysis:delta', (delta) => deltas.push({ at: Date.now(), delta }));
    const grid = await ack<AnalysisGrid>((cb) => viewer.emit('analysis:watch', summary.id, cb));
    expect(grid.banks).toHaveLength(2);
    expect(grid.banks[0].hits).toHaveLength(grid.rpmAxis.length * grid.loadAxis.length);

    expect(t.hub.simulator?.pull().ok).toBe(true);
    await until(
      () => deltas.some((d) => d.delta.banks[0].hits.some((h) => h > 0)) && deltas.length >= 5,
      20_000,
      'deltas with hits',
    );
    const stopped = await post(`/api/analysis/${summary.id}/stop`);
    expect(stopped.status).toBe(200);
    await until(() => deltas.some((d) => d.delta.status === 'stopped'), 5000, 'the stop pushed');

    // Deltas rebuild the hub's grid exactly.
    for (const { delta } of deltas) applyAnalysisDelta(grid, delta);
    const served = await getGrid(summary.id);
    expect(grid.banks).toEqual(served.banks);
    expect(served.counts.accepted).toBeGreaterThan(0);
    expect(served.banks[0].hits.reduce((a, b) => a + b, 0)).toBeGreaterThan(0);

    // At most one push per interval: the timer's pushes land at least most of an interval apart (loopback jitter).
    const timed = deltas.filter((d) => d.delta.status === 'running');
    for (let i = 1; i < timed.length; i++) expect(timed[i].at - timed[i - 1].at).toBeGreaterThanOrEqual(PUSH_MS * 0.6);
    const span = timed[timed.length - 1].at - timed[0].at;
    expect(timed.length).toBeLessThanOrEqual(span / PUSH_MS + 2);
    // Deltas carry only the changed cells.
    expect(Math.min(...timed.map((d) => d.delta.cells.length))).toBeLessThan(grid.banks[0].hits.length);
  }, 30_000);

  it('exports the suggested table, the percent diff and the hit counts as CSV in the table layout', async () => {
    const list = (await (await fetch(`${t.url}/api/analysis`)).json()) as { analyses: AnalysisSummary[] };
    const id = list.analyses[0].id;
    for (const kind of ['suggested', 'diff', 'hits']) {
      const res = await fetch(`${t.url}/api/analysis/${id}/export/${kind}?bank=rear`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/text\/csv/);
      const lines = (await res.text()).trim().split('\n');
      expect(lines[0]).toBe('rpm\\MAP (kPa),20,30,40,50,60,70,80,90,100');
      expect(lines).toHaveLength(12);
    }
    const metrics = await (await fetch(`${t.url}/metrics`)).text();
    expect(metrics).toMatch(/jetdrive_analyses\{status="stopped"\} 1/);
    expect(metrics).toMatch(/jetdrive_analysis_samples\{outcome="accepted"\} [1-9]/);
    const bogus = await fetch(`${t.url}/api/analysis/${id}/export/bogus`);
    expect(bogus.status).toBe(400);
    expect(((await bogus.json()) as { error: { field: string } }).error.field).toBe('params.kind');
    const del = await fetch(`${t.url}/api/analysis/${id}`, { method: 'DELETE', headers: operator });
    expect(del.status).toBe(200);
    expect((await fetch(`${t.url}/api/analysis/${id}`)).status).toBe(404);
  });
});
