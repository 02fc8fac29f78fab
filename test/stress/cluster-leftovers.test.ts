import type { AnalysisGrid, AnalysisSummary, ReplayStatus, Result } from '@jetdrive-hub/client/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClusterNodeStats } from '../../server/cluster/index.js';
import { dataDirWithRun, okData } from '../support/cluster-nodes.js';
import { type ForkedHub, forkHub } from '../support/fork-hub.js';
import { startRedisServer, type TestRedis } from '../support/redis-server.js';
import { FIXTURE_DYNO } from '../support/replay-fixtures.js';
import { connectViewer, HUB_OPERATOR, type TestSocket } from '../support/start-test-hub.js';
import { until } from '../support/until.js';

// What a cluster must not leave behind, with real processes and a real redis-server: the mirrored providers of a
// replay that ended while Redis was down (its end entry never reached the stream), and the analysis watches of an
// edge that died (it could not unwatch).

const RUN_ID = '20261130T060000Z-00bb00';
const RUN_NAME = 'Leftover run';
const REPLAY_DYNO = `replay:${RUN_NAME}/${FIXTURE_DYNO.name}`;

let redis: TestRedis;
let ingest: ForkedHub;
let edges: ForkedHub[] = [];
const sockets: TestSocket[] = [];
/** The analysis watched in the second test, and its watcher on the edge that stays. */
let analysisId = '';
let survivor: TestSocket | null = null;

async function call(
  base: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${HUB_OPERATOR}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: await res.json() };
}

const channelsText = async (url: string) => JSON.stringify((await call(url, 'GET', '/api/jetdrive/channels')).body);

async function countersOf(url: string): Promise<ClusterNodeStats> {
  const status = (await call(url, 'GET', '/api/jetdrive/status')).body as { cluster: { counters: ClusterNodeStats } };
  return status.cluster.counters;
}

beforeAll(async () => {
  redis = await startRedisServer();
  const dataDir = await dataDirWithRun(RUN_ID, RUN_NAME, 1_764_482_400_000_000_000n);
  const pinned = { interfaces: ['127.0.0.1'] };
  ingest = await forkHub({ ...pinned, role: 'ingest', redisUrl: redis.url, dataDir, simRateHz: 50 });
  edges = await Promise.all([0, 1].map(() => forkHub({ ...pinned, role: 'edge', redisUrl: redis.url, sim: false })));
}, 60_000);

afterAll(async () => {
  for (const s of sockets) s.disconnect();
  await Promise.all([ingest, ...edges].map((h) => h?.close()));
  await redis?.stop();
}, 30_000);

describe('cluster leftovers', () => {
  it('a replay that ends while Redis is down leaves no providers on the edges once Redis is back', async () => {
    const started = await call(ingest.url, 'POST', `/api/runs/${RUN_ID}/replay`, { rate: 1, loop: true });
    expect(started.status).toBe(201);
    const replay = started.body as ReplayStatus;
    await until(async () => (await channelsText(edges[0].url)).includes(REPLAY_DYNO), 20_000, 'the replay on the edge');

    await redis.stop();
    expect((await call(ingest.url, 'POST', `/api/replays/${replay.id}/stop`)).status).toBe(200);
    await until(async () => !(await channelsText(ingest.url)).includes(REPLAY_DYNO), 5000, 'gone on the ingest node');
    // Nothing told the edge: its mirror is still there.
    expect(await channelsText(edges[0].url)).toContain(REPLAY_DYNO);

    await redis.restart();
    await until(
      async () => !(await channelsText(edges[0].url)).includes(REPLAY_DYNO),
      15_000,
      "the replay's providers to leave the edge after Redis is back",
      100,
    );
    expect((await countersOf(edges[0].url)).replayMirrors).toMatchObject({ open: 0, expired: 1 });
    // The live providers stay.
    await until(async () => (await channelsText(edges[0].url)).includes('Simulated Dyno'), 10_000, 'live channels');
  }, 60_000);

  it('an edge that dies leaves no analysis watches on the ingest node', async () => {
    await until(async () => (await channelsText(ingest.url)).includes('Simulated Dyno'), 10_000, 'the simulator');
    const started = await call(ingest.url, 'POST', '/api/analysis', { provider: 'Simulated Dyno', load: 'map' });
    expect(started.status).toBe(201);
    const { id } = (started.body as { analysis: AnalysisSummary }).analysis;
    const doomed = edges[1];
    // A watcher on each edge: only the dead edge's watch may go.
    for (const edge of edges) {
      await until(async () => (await countersOf(edge.url)).redis === 'ready', 15_000, 'the edge on Redis');
      const viewer = await connectViewer(edge.url);
      sockets.push(viewer);
      okData((await viewer.emitWithAck('analysis:watch', id)) as Result<AnalysisGrid>);
      if (edge !== doomed) survivor = viewer;
    }
    analysisId = id;
    expect((await countersOf(ingest.url)).remoteWatches).toMatchObject({ watches: 2, nodes: 2, expired: 0 });

    doomed.proc.kill('SIGKILL');
    await until(
      async () => (await countersOf(ingest.url)).remoteWatches?.expired === 1,
      30_000,
      "the dead edge's watch to expire",
      200,
    );
    expect((await countersOf(ingest.url)).remoteWatches).toMatchObject({ watches: 1, nodes: 1, expired: 1 });
  }, 60_000);

  it('an edge stopped long enough for the ingest node to expire its watches sends them again when it resumes', async () => {
    const viewer = survivor;
    if (!viewer) throw new Error('the previous test did not leave a watcher');
    const grids: AnalysisGrid[] = [];
    viewer.on('analysis:grid', (grid) => grids.push(grid));
    const edge = edges[0];
    edge.proc.kill('SIGSTOP');
    try {
      await until(
        async () => (await countersOf(ingest.url)).remoteWatches?.expired === 2,
        30_000,
        "the stopped edge's watch to expire",
        200,
      );
    } finally {
      edge.proc.kill('SIGCONT');
    }
    await until(() => grids.length > 0, 15_000, 'the grid of the watch sent again', 50);
    expect(grids[0].id).toBe(analysisId);
    expect((await countersOf(ingest.url)).remoteWatches).toMatchObject({ watches: 1, nodes: 1, expired: 2 });
  }, 60_000);
});
