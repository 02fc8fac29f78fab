import type { RecordingStatus, RunDetail, RunPage, RunSummary } from '@jetdrive-hub/client/contract';
import { afterEach, describe, expect, it } from 'vitest';
import { connectHub, type Hub } from '../../client-sdk/src/index.js';
import {
  command,
  connectViewer,
  HUB_OPERATOR,
  HUB_VIEWER,
  startTestHub,
  type TestHub,
  type TestSocket,
} from '../support/start-test-hub.js';
import { until } from '../support/until.js';

// The run library and manual recording over Socket.IO (run:list|get|update|delete, recording:status|start|stop): the
// same answers as /api/runs, the same roles (viewer reads, operator changes), and the simulator's scenario recorded in
// a run's metadata, filterable as the profile is.

let hub: TestHub | null = null;
let sockets: TestSocket[] = [];
let client: Hub | null = null;
afterEach(async () => {
  for (const s of sockets) s.close();
  sockets = [];
  client?.close();
  client = null;
  await hub?.close();
  hub = null;
});

const UNKNOWN_RUN = '20990101T000000Z-000000';

async function socketOf(token: string): Promise<TestSocket> {
  const socket = await connectViewer(hub?.url ?? '', token);
  sockets.push(socket);
  return socket;
}

async function ok<T>(pending: Promise<unknown>): Promise<T> {
  const result = (await pending) as { ok: boolean; data?: T; error?: unknown };
  expect(result, JSON.stringify(result.error)).toMatchObject({ ok: true });
  return result.data as T;
}

async function http<T>(path: string, init: RequestInit = {}): Promise<T> {
  const res = await fetch(`${hub?.url}${path}`, {
    ...init,
    headers: { authorization: `Bearer ${HUB_OPERATOR}`, 'content-type': 'application/json' },
  });
  expect(res.status, path).toBeLessThan(300);
  const { success: _, ...body } = (await res.json()) as T & { success: boolean };
  return body as T;
}

/** Records a run of `ms` through the operator socket; resolves with its id once the library has it. */
async function recordRun(operator: TestSocket, name: string, ms: number): Promise<string> {
  const started = await ok<RecordingStatus>(command(operator, 'recording:start', { name }));
  expect(started.state).toBe('recording');
  await new Promise((r) => setTimeout(r, ms));
  expect(await ok<RecordingStatus>(command(operator, 'recording:stop'))).toMatchObject({ state: 'idle' });
  const id = started.runId ?? '';
  await until(() => hub?.hub.runs.library.has(id), 10_000, `run ${name} saved`);
  return id;
}

describe('run library commands over Socket.IO', () => {
  it('answer as the HTTP routes do; the viewer reads, only the operator changes', async () => {
    hub = await startTestHub(
      { runAutoRecord: false, viewerToken: HUB_VIEWER, controlBurst: 10_000 },
      { dashboard: false, simulator: { infoIntervalMs: 500 } },
    );
    await until(() => (hub?.hub.ingest.registry.channelCount() ?? 0) > 10, 5000, 'simulator channels');
    const operator = await socketOf(HUB_OPERATOR);
    const viewer = await socketOf(HUB_VIEWER);

    expect(await ok<RecordingStatus>(command(viewer, 'recording:status'))).toMatchObject({ state: 'idle' });
    for (const [event, payload] of [
      ['recording:start', { name: 'x' }],
      ['recording:stop', undefined],
    ] as const) {
      const args = payload === undefined ? [] : [payload];
      expect(await command(viewer, event, ...args), event).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    }
    expect(hub.hub.runs.capture.status().state).toBe('idle');

    const first = await recordRun(operator, 'Socket one', 400);
    const second = await recordRun(operator, 'Socket two', 400);
    // Both journals were finished into run files: none was left for recovery, nor refused as unreadable.
    expect(hub.hub.runs.capture.stats()).toMatchObject({ recovered: 0, journalsRefused: 0 });
    const metrics = await (
      await fetch(`${hub.url}/metrics`, { headers: { authorization: `Bearer ${HUB_OPERATOR}` } })
    ).text();
    expect(metrics).toMatch(/^jetdrive_runs_journals_refused_total 0$/m);

    // Reads: the same page and detail as HTTP, for the viewer too.
    const page = await ok<RunPage>(command(viewer, 'run:list', null));
    expect(page.runs.map((r) => r.id)).toEqual([second, first]);
    expect(page).toEqual(await http<RunPage>('/api/runs'));
    const filtered = await ok<RunPage>(command(viewer, 'run:list', { q: 'one', limit: 1 }));
    expect(filtered).toMatchObject({ total: 1, limit: 1, runs: [{ id: first, name: 'Socket one' }] });
    expect(await ok<RunPage>(command(viewer, 'run:list', { offset: 1, limit: 1 }))).toMatchObject({
      total: 2,
      runs: [{ id: first }],
    });
    const detail = await ok<RunDetail>(command(viewer, 'run:get', first));
    expect(detail).toEqual(await http<RunDetail>(`/api/runs/${first}`));
    expect(detail.datagrams).toBeGreaterThan(0);

    // Changes: refused for the viewer (nothing changed), done for the operator.
    expect(await command(viewer, 'run:update', { id: first, pinned: true })).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN' },
    });
    expect(await command(viewer, 'run:delete', first)).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(hub.hub.runs.library.get(first).pinned).toBe(false);
    const updated = await ok<RunDetail>(
      command(operator, 'run:update', { id: first, name: 'Renamed', notes: 'by socket', pinned: true }),
    );
    expect(updated).toMatchObject({ id: first, name: 'Renamed', notes: 'by socket', pinned: true });
    expect(await http<RunDetail>(`/api/runs/${first}`)).toMatchObject({ name: 'Renamed', pinned: true });
    expect(await ok<{ id: string }>(command(operator, 'run:delete', second))).toEqual({ id: second });
    expect(hub.hub.runs.library.has(second)).toBe(false);
    expect((await ok<RunPage>(command(viewer, 'run:list'))).runs.map((r) => r.id)).toEqual([first]);

    // Refusals: the HTTP codes, naming the field; nothing thrown over the wire.
    expect(await command(viewer, 'run:get', UNKNOWN_RUN)).toMatchObject({
      ok: false,
      error: { code: 'RUN_NOT_FOUND', field: 'id' },
    });
    expect(await command(viewer, 'run:get', '../etc/passwd')).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION_FAILED', message: expect.stringMatching(/^id: .*run id/) },
    });
    expect(await command(viewer, 'run:list', { limit: 0 })).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION_FAILED', field: 'query.limit' },
    });
    expect(await command(viewer, 'run:list', { profil: 'm8_114' })).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION_FAILED', message: expect.stringMatching(/profil: unknown field/) },
    });
    expect(await command(operator, 'run:update', { id: first, pinned: 'yes' })).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION_FAILED', field: 'body.pinned' },
    });
    expect(await command(operator, 'recording:stop')).toMatchObject({ ok: false, error: { code: 'NOT_RECORDING' } });
    expect(await command(operator, 'recording:start', { name: '' })).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION_FAILED', field: 'body.name' },
    });
  }, 60_000);

  it('the SDK offers both paths (hub.runs over HTTP, hub.runs.socket over Socket.IO) with the same answers', async () => {
    hub = await startTestHub({ runAutoRecord: false }, { dashboard: false, simulator: { infoIntervalMs: 500 } });
    await until(() => (hub?.hub.ingest.registry.channelCount() ?? 0) > 10, 5000, 'simulator channels');
    client = connectHub(hub.url, { token: HUB_OPERATOR });
    await client.whenConnected();
    const { runs } = client;

    const started = await runs.socket.startRecording('SDK socket run');
    expect(await runs.socket.recording()).toMatchObject({ state: 'recording', runId: started.runId });
    expect(await runs.recording()).toEqual(await runs.socket.recording());
    await new Promise((r) => setTimeout(r, 400));
    await runs.socket.stopRecording();
    const id = started.runId ?? '';
    await until(() => hub?.hub.runs.library.has(id), 10_000, 'the run saved');

    expect(await runs.socket.list()).toEqual(await runs.list());
    expect(await runs.socket.list({ q: 'socket' })).toEqual(await runs.list({ q: 'socket' }));
    expect(await runs.socket.get(id)).toEqual(await runs.get(id));
    expect(await runs.socket.update(id, { notes: 'via socket' })).toEqual(await runs.get(id));
    expect(await runs.update(id, { notes: 'via http' })).toEqual(await runs.socket.get(id));
    await expect(runs.socket.get(UNKNOWN_RUN)).rejects.toMatchObject({ code: 'RUN_NOT_FOUND' });
    await expect(runs.socket.stopRecording()).rejects.toMatchObject({ code: 'NOT_RECORDING' });
    await runs.socket.delete(id);
    expect((await runs.list()).total).toBe(0);
  }, 60_000);
});

describe("the simulator's scenario in a run's metadata", () => {
  it('records profile and VE scenario at start, shows them in GET /api/runs/:id, filters the list by them', async () => {
    hub = await startTestHub(
      { runAutoRecord: false },
      { dashboard: false, simulator: { infoIntervalMs: 500, autoPull: false } },
    );
    const operator = await socketOf(HUB_OPERATOR);
    const startSim = (body: unknown) =>
      http('/api/jetdrive/simulator/start', { method: 'POST', body: JSON.stringify(body) });
    const stopSim = () => http('/api/jetdrive/simulator/stop', { method: 'POST' });
    await stopSim();
    await startSim({ profile: 'sportbike_600', virtual_ecu: { enabled: true, scenario: 'rich', ve_error_std: 3 } });
    await until(() => (hub?.hub.ingest.registry.channelCount() ?? 0) > 10, 5000, 'simulator channels');
    const rich = await recordRun(operator, 'Rich', 300);
    await stopSim();
    await startSim({ profile: 'm8_114', virtual_ecu: { enabled: false } });
    const plain = await recordRun(operator, 'No ECU', 300);

    expect((await http<RunDetail>(`/api/runs/${rich}`)).simulator).toEqual({
      profile: 'sportbike_600',
      scenario: 'rich',
      veErrorPct: 10,
      veErrorStd: 3,
      cylinderBalance: 'same',
    });
    expect((await http<RunDetail>(`/api/runs/${plain}`)).simulator).toEqual({
      profile: 'm8_114',
      scenario: null,
      veErrorPct: null,
      veErrorStd: null,
      cylinderBalance: null,
    });
    const ids = (page: RunPage) => page.runs.map((r: RunSummary) => r.id);
    expect(ids(await http<RunPage>('/api/runs?scenario=rich'))).toEqual([rich]);
    expect(ids(await http<RunPage>('/api/runs?scenario=lean'))).toEqual([]);
    expect(ids(await http<RunPage>('/api/runs?profile=m8_114'))).toEqual([plain]);
    expect(ids(await ok<RunPage>(command(operator, 'run:list', { scenario: 'rich' })))).toEqual([rich]);
    expect((await http<RunPage>('/api/runs')).runs.find((r) => r.id === rich)).toMatchObject({
      profile: 'sportbike_600',
      scenario: 'rich',
    });
    // The file carries it too (a run uploaded elsewhere keeps it).
    const file = new Uint8Array(await (await fetch(`${hub.url}/api/runs/${rich}/file`)).arrayBuffer());
    const imported = await fetch(`${hub.url}/api/runs`, {
      method: 'POST',
      headers: { authorization: `Bearer ${HUB_OPERATOR}`, 'content-type': 'application/octet-stream' },
      body: file,
    });
    expect(((await imported.json()) as RunDetail).simulator).toMatchObject({
      profile: 'sportbike_600',
      scenario: 'rich',
    });
  }, 60_000);
});
