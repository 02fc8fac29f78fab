import { connectHub, type Hub, type HubSample } from '@jetdrive-hub/client';
import {
  type AnalysisDelta,
  type AnalysisGrid,
  type AnalysisSummary,
  applyAnalysisDelta,
  type Hello,
  type ReplayStatus,
  type Result,
} from '@jetdrive-hub/client/contract';
import { io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataDirWithRun, okData } from '../support/cluster-nodes.js';
import { type ForkedHub, forkHub } from '../support/fork-hub.js';
import { startRedisServer, type TestRedis } from '../support/redis-server.js';
import { FIXTURE_DYNO, syntheticValue } from '../support/replay-fixtures.js';
import { connectViewer, HUB_OPERATOR, type TestSocket } from '../support/start-test-hub.js';
import { until } from '../support/until.js';

// What runs on the ingest node, asked for on an edge, with real processes and a real redis-server: HTTP and socket
// control of tuning sessions, replays and live analyses is relayed to the ingest node and answered as one node
// answers; replayed data and the replay/analysis events reach viewers on every edge. An edge says the ingest node's
// source (here `simulated`, while its own configuration would say `live`).

const RUN_ID = '20261130T030000Z-00aa00';
const RUN_NAME = 'Cluster run';
const REPLAY_DYNO = `replay:${RUN_NAME}/${FIXTURE_DYNO.name}`;
const LONG = { max_iterations: 3, convergence_threshold_afr: 0.001, oscillation_detection_enabled: false };

let redis: TestRedis;
let ingest: ForkedHub;
let edges: ForkedHub[] = [];
const sockets: TestSocket[] = [];
const hubs: Hub[] = [];

interface Answer {
  status: number;
  type: string | null;
  allow: string | null;
  body: unknown;
}

async function http(base: string, method: string, path: string, body?: unknown, token: string | null = HUB_OPERATOR) {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: {
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  const type = res.headers.get('content-type');
  const answer: Answer = {
    status: res.status,
    type,
    allow: res.headers.get('allow'),
    body: type?.includes('json') ? JSON.parse(text) : text,
  };
  return answer;
}

/** The same request on the edge and on the ingest node: their answers. */
async function both(method: string, path: string, body?: unknown, token: string | null = HUB_OPERATOR) {
  const edge = await http(edges[0].url, method, path, body, token);
  const local = await http(ingest.url, method, path, body, token);
  return { edge, local };
}

async function operatorSocket(url: string): Promise<TestSocket> {
  const socket = await connectViewer(url, HUB_OPERATOR);
  sockets.push(socket);
  return socket;
}

beforeAll(async () => {
  redis = await startRedisServer();
  const dataDir = await dataDirWithRun(RUN_ID, RUN_NAME, 1_764_471_600_000_000_000n);
  // Every node pinned to loopback where it is made (forkHub's default too): an edge with `sim: false` is live mode.
  const pinned = { interfaces: ['127.0.0.1'] };
  ingest = await forkHub({
    ...pinned,
    role: 'ingest',
    redisUrl: redis.url,
    dataDir,
    simRateHz: 50,
    analysisPushIntervalMs: 200,
  });
  // `sim: false`: were an edge to say its own configuration's source, it would say `live`.
  edges = await Promise.all([0, 1].map(() => forkHub({ ...pinned, role: 'edge', redisUrl: redis.url, sim: false })));
}, 60_000);

afterAll(async () => {
  for (const s of sockets) s.disconnect();
  for (const h of hubs) h.close();
  await Promise.all([ingest, ...edges].map((h) => h?.close()));
  await redis?.stop();
}, 30_000);

describe('cluster relay: what runs on the ingest node, asked for on an edge', () => {
  it("an edge says the ingest node's source, from its heartbeat", async () => {
    const sourceOf = async (url: string) => (await http(url, 'GET', '/api/jetdrive/status')).body as { source: string };
    await until(async () => (await sourceOf(edges[0].url)).source === 'simulated', 10_000, 'the edge to say simulated');
    const socket: TestSocket = io(edges[1].url, { transports: ['websocket'], reconnection: false, forceNew: true });
    sockets.push(socket);
    const hello = await new Promise<Hello>((resolve) => socket.once('hello', resolve));
    expect(hello.source).toBe('simulated');
  });

  it('virtual-tune HTTP on an edge runs on the ingest node and answers as one node', async () => {
    const started = await http(edges[0].url, 'POST', '/api/virtual-tune/start', LONG);
    expect(started.status).toBe(200);
    const id = (started.body as { session_id: string }).session_id;
    const listed = (await http(ingest.url, 'GET', '/api/virtual-tune/sessions')).body as {
      sessions: { session_id: string }[];
    };
    expect(listed.sessions.map((s) => s.session_id)).toContain(id);
    await until(
      async () =>
        ((await http(edges[1].url, 'GET', `/api/virtual-tune/status/${id}`)).body as { status: string }).status !==
        'running',
      30_000,
      'the session to end',
      100,
    );
    const results = await both('GET', `/api/virtual-tune/results/${id}`);
    expect(results.edge).toEqual(results.local);
    expect(results.edge.status).toBe(200);

    // Refusals: the same status, code, message and field; 405 with the same Allow; the edge's own token check.
    for (const [method, path, body] of [
      ['POST', '/api/virtual-tune/start', { engine_profile: 'vtwin_2000' }],
      ['GET', '/api/virtual-tune/status/no-such-session', undefined],
      ['POST', `/api/virtual-tune/stop/${id}`, undefined],
      ['PUT', '/api/virtual-tune/start', undefined],
    ] as const) {
      const { edge, local } = await both(method, path, body);
      expect(edge, `${method} ${path}`).toEqual(local);
      expect(edge.status).toBeGreaterThanOrEqual(400);
    }
    const anonymous = await both('POST', '/api/virtual-tune/cleanup', {}, null);
    expect(anonymous.edge).toEqual(anonymous.local);
    expect(anonymous.edge.status).toBe(401);
  }, 60_000);

  it("a replay started from an edge runs on the ingest node; its data and status reach every edge's viewers", async () => {
    const statuses: ReplayStatus[] = [];
    const watcher = await operatorSocket(edges[1].url);
    watcher.on('replay:status', (s) => statuses.push(s));
    const viewers = [edges[0], edges[1], ingest].map((h) => {
      const hub = connectHub(h.url);
      hubs.push(hub);
      const got: HubSample[] = [];
      hub.samples$([{ provider: REPLAY_DYNO }]).subscribe((b) => got.push(...b.samples));
      return got;
    });

    const started = await http(edges[0].url, 'POST', `/api/runs/${RUN_ID}/replay`, { rate: 1, loop: true });
    expect(started.status).toBe(201);
    const replay = started.body as ReplayStatus;
    const onIngest = (await http(ingest.url, 'GET', '/api/replays')).body as { replays: ReplayStatus[] };
    expect(onIngest.replays.map((r) => r.id)).toEqual([replay.id]);

    await until(() => viewers.every((got) => got.length > 100), 20_000, 'replayed samples on both edges', 50);
    for (const got of viewers) {
      for (const s of got) expect(s.value).toBe(syntheticValue(s.channelId, s.providerTs - 1000));
    }
    await until(() => statuses.some((s) => s.id === replay.id && s.state === 'playing'), 5000, 'replay:status on B');

    // Socket control from the other edge, as on one node.
    const paused = okData(await watcher.emitWithAck('replay:pause', replay.id));
    expect(paused.state).toBe('paused');
    expect(okData(await watcher.emitWithAck('replay:list')).map((r) => r.id)).toEqual([replay.id]);
    const missing = await watcher.emitWithAck('replay:stop', 'rp-00000000');
    const missingHere = await (await operatorSocket(ingest.url)).emitWithAck('replay:stop', 'rp-00000000');
    expect(missing).toEqual(missingHere);
    okData(await watcher.emitWithAck('replay:stop', replay.id));
    // Its providers leave every edge's registry with it.
    const hasReplay = async (url: string) =>
      JSON.stringify((await http(url, 'GET', '/api/jetdrive/channels')).body).includes(REPLAY_DYNO);
    await until(async () => !(await hasReplay(edges[0].url)) && !(await hasReplay(edges[1].url)), 5000, 'gone');
  }, 60_000);

  it('a live analysis started from an edge runs on the ingest node; its pushes reach a watcher on another edge', async () => {
    const starter = await operatorSocket(edges[0].url);
    await until(
      async () =>
        JSON.stringify((await http(edges[0].url, 'GET', '/api/jetdrive/channels')).body).includes('Simulated Dyno'),
      10_000,
      'the simulator channels on the edge',
    );
    const summary = okData(
      (await starter.emitWithAck('analysis:start', {
        provider: 'Simulated Dyno',
        load: 'map',
      })) as Result<AnalysisSummary>,
    );
    const listed = (await http(ingest.url, 'GET', '/api/analysis')).body as { analyses: AnalysisSummary[] };
    expect(listed.analyses.map((a) => a.id)).toContain(summary.id);

    const viewer = await connectViewer(edges[1].url);
    sockets.push(viewer);
    const deltas: AnalysisDelta[] = [];
    viewer.on('analysis:delta', (d) => deltas.push(d));
    const grid = okData((await viewer.emitWithAck('analysis:watch', summary.id)) as Result<AnalysisGrid>);
    expect((await http(ingest.url, 'POST', '/api/jetdrive/simulator/pull')).status).toBe(200);
    await until(() => deltas.some((d) => d.banks[0].hits.some((h) => h > 0)), 30_000, 'deltas with hits', 50);

    const stopped = await http(edges[1].url, 'POST', `/api/analysis/${summary.id}/stop`);
    expect(stopped.status).toBe(200);
    await until(() => deltas.some((d) => d.status === 'stopped'), 5000, 'the stop pushed to the edge');
    for (const d of deltas) applyAnalysisDelta(grid, d);
    const served = await both('GET', `/api/analysis/${summary.id}`);
    expect(served.edge).toEqual(served.local);
    expect(grid.banks).toEqual((served.local.body as { grid: AnalysisGrid }).grid.banks);
    const csv = await both('GET', `/api/analysis/${summary.id}/export/hits?bank=rear`);
    expect(csv.edge).toEqual(csv.local);
    expect(csv.edge.type).toMatch(/text\/csv/);
    okData(await viewer.emitWithAck('analysis:unwatch', summary.id));
  }, 60_000);

  it("the run library on an edge is the ingest node's: reads, changes and recording relayed; file bytes refused by name", async () => {
    const listed = await both('GET', '/api/runs');
    expect(listed.edge).toEqual(listed.local);
    expect(JSON.stringify(listed.local.body)).toContain(RUN_ID);
    const got = await both('GET', `/api/runs/${RUN_ID}`);
    expect(got.edge).toEqual(got.local);
    const curves = await both('GET', `/api/runs/${RUN_ID}/curves?correction=none`);
    expect(curves.edge).toEqual(curves.local);
    const renamed = await http(edges[1].url, 'PATCH', `/api/runs/${RUN_ID}`, { notes: 'from an edge' });
    expect(renamed.status).toBe(200);
    expect(((await http(ingest.url, 'GET', `/api/runs/${RUN_ID}`)).body as { notes: string }).notes).toBe(
      'from an edge',
    );

    const socket = await operatorSocket(edges[0].url);
    const page = okData(await socket.emitWithAck('run:list', {}));
    expect(page.runs.map((r) => r.id)).toContain(RUN_ID);
    expect(okData(await socket.emitWithAck('recording:status')).state).toBe(
      ((await http(ingest.url, 'GET', '/api/runs/recording')).body as { state: string }).state,
    );

    const file = await http(edges[0].url, 'GET', `/api/runs/${RUN_ID}/file`);
    expect(file.status).toBe(409);
    expect(file.body).toMatchObject({ success: false, error: { code: 'INGEST_NODE_ONLY' } });
    expect((await fetch(`${ingest.url}/api/runs/${RUN_ID}/file`)).status).toBe(200);
  }, 30_000);

  it('while Redis is down an edge refuses relayed commands at once with CLUSTER_UNAVAILABLE', async () => {
    const socket = await operatorSocket(edges[0].url);
    await redis.stop();
    await until(
      async () => (await http(edges[0].url, 'GET', '/api/replays')).status === 503,
      10_000,
      'the edge to notice',
      50,
    );
    const answer = await http(edges[0].url, 'POST', '/api/virtual-tune/start', LONG);
    expect(answer.status).toBe(503);
    expect(answer.body).toMatchObject({ success: false, error: { code: 'CLUSTER_UNAVAILABLE' } });
    const refused = await socket.emitWithAck('replay:list');
    expect(refused).toMatchObject({ ok: false, error: { code: 'CLUSTER_UNAVAILABLE' } });
  }, 30_000);
});
