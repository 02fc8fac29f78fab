import { decodeDataFrame, type StreamView } from '@jetdrive-hub/client';
import type { ClusterView, DataFrame, Result, SubscribeResult } from '@jetdrive-hub/client/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectViewer, type TestSocket } from '../support/start-test-hub.js';
import {
  getJson,
  postJson,
  type RecordingViewer,
  recordingViewer,
  startCluster,
  type TestCluster,
} from '../support/cluster-nodes.js';
import { until } from '../support/until.js';

// One ingest node (simulated dyno) and two edges as real processes, on a real redis-server, loopback only.

const SELECTORS = ['Digital RPM 1', 'Power', 'Torque', 'Air/Fuel Ratio 1'];

describe('cluster data path: ingest node → Redis Stream → edges', () => {
  let cluster: TestCluster;
  const viewers: RecordingViewer[] = [];

  beforeAll(async () => {
    cluster = await startCluster(2, { interfaces: ['127.0.0.1'] });
  }, 60_000);

  afterAll(async () => {
    for (const v of viewers) v.close();
    await cluster?.close();
  }, 30_000);

  it('every node says its role and lists the cluster', async () => {
    for (const [hub, role] of [
      [cluster.ingest, 'ingest'],
      [cluster.edges[0], 'edge'],
      [cluster.edges[1], 'edge'],
    ] as const) {
      const status = await until(
        async () => {
          const s = await getJson<{ role: string; cluster: ClusterView }>(`${hub.url}/api/jetdrive/status`);
          return s.cluster.nodes.length === 3 ? s : null;
        },
        15_000,
        `${role} to list three nodes`,
        100,
      );
      expect(status.role).toBe(role);
      expect(status.cluster.nodes.map((n) => n.role).sort()).toEqual(['edge', 'edge', 'ingest']);
    }
  });

  it('viewers on both edges get every sample of a pull in order, identical to a viewer on the ingest node', async () => {
    const urls = [cluster.ingest.url, cluster.edges[0].url, cluster.edges[1].url];
    for (const url of urls) viewers.push(recordingViewer(url, SELECTORS));
    await until(() => viewers.every((v) => v.samples.length > 20), 20_000, 'live data on every node', 50);
    const start = await postJson(`${cluster.ingest.url}/api/jetdrive/simulator/pull`);
    expect(start.status).toBe(200);
    await until(
      async () => {
        const s = await getJson<{ state: string }>(`${cluster.ingest.url}/api/jetdrive/simulator/status`);
        return s.state !== 'pull' && s.state !== 'decel';
      },
      30_000,
      'the pull to end',
      100,
    );
    // The same last sample everywhere: the edges caught up.
    const lastTs = (v: RecordingViewer) => v.samples.at(-1)?.[1];
    await until(() => viewers.every((v) => lastTs(v) === lastTs(viewers[0])), 10_000, 'edges to catch up', 20);
    const from = Math.max(...viewers.map((v) => v.samples[0][1]));
    const window = (v: RecordingViewer) => v.samples.filter((s) => s[1] >= from);
    const reference = window(viewers[0]);
    expect(reference.length).toBeGreaterThan(200);
    for (const channel of SELECTORS) {
      const ts = reference.filter((s) => s[0] === channel).map((s) => s[1]);
      expect(ts).toEqual([...ts].sort((a, b) => a - b));
    }
    expect(window(viewers[1])).toEqual(reference);
    expect(window(viewers[2])).toEqual(reference);
  }, 90_000);

  it('an edge killed: its viewer resumes on the other edge after a 2 s cut, recovered, with no gap and no duplicate', async () => {
    const reference = viewers[0];
    const referenceStates: string[] = [];
    const watching = reference.hub.connection$.subscribe((c) => referenceStates.push(c.state));
    // [key, time, value] as one viewer got them, first on edge A, then on edge B.
    const got: [string, number, number][] = [];
    const subscribe = async (socket: TestSocket, resume?: Record<string, number>) => {
      let view: StreamView | null = null;
      const take = (frame: DataFrame) => {
        if (view) for (const s of decodeDataFrame(frame, view)) got.push([s.key, s.time, s.value]);
      };
      socket.on('stream:data', (frame) => {
        if (frame[0] === view?.id) take(frame);
      });
      socket.on('stream:backfill', (b) => take(b.frame));
      // The view is set in the ack callback itself: the replay frames may arrive in the same read as the ack.
      const request = { selectors: SELECTORS, ...(resume ? { resume } : {}) };
      return new Promise<SubscribeResult>((resolve, reject) => {
        socket.emit('channel:subscribe', request, (result: Result<SubscribeResult>) => {
          if (!result.ok) return reject(new Error(result.error.message));
          const channels = result.data.stream.channels;
          view = { id: result.data.stream.id, envelope: false, channels: new Map(channels.map((c) => [c.index, c])) };
          resolve(result.data);
        });
      });
    };
    const onA = await connectViewer(cluster.edges[0].url);
    await subscribe(onA);
    await until(() => got.length > 50, 10_000, 'data on edge A', 20);
    const killedAt = Date.now();
    await cluster.edges[0].close();
    const lastTimes: Record<string, number> = {};
    for (const [key, time] of got) lastTimes[key] = Math.max(lastTimes[key] ?? 0, time);
    await until(() => Date.now() - killedAt >= 2000, 3000, 'a 2 s cut', 50);
    const cut = got.length;

    const onB = await connectViewer(cluster.edges[1].url);
    const resumed = await subscribe(onB, lastTimes);
    expect(resumed.recovered).toBe(true);
    await until(() => got.length > cut + 200, 10_000, 'replay and live data on edge B', 20);
    onA.disconnect();
    onB.disconnect();

    // Against the viewer on the ingest node, over the same span: the very same samples, each once.
    const first = got[0][1];
    const last = Math.min(got.at(-1)?.[1] ?? 0, reference.samples.at(-1)?.[3] ?? 0);
    const span = (rows: [string, number, number][]) =>
      rows
        .filter(([, t]) => t >= first && t <= last)
        // Frames carry times relative to their first record, to the microsecond: compare at that precision.
        .map(([key, t, v]) => `${key}@${t.toFixed(2)}=${v}`)
        .sort();
    const referenceRows = reference.samples.map(
      ([channel, , value, time]) => [channel, time, value] as [string, number, number],
    );
    const byName = new Map(resumed.stream.channels.map((c) => [c.key, c.displayName]));
    const mine = got.map(([key, t, v]) => [byName.get(key) ?? key, t, v] as [string, number, number]);
    expect(span(mine).length).toBeGreaterThan(200);
    expect(span(mine)).toEqual(span(referenceRows));
    expect(new Set(span(mine)).size).toBe(span(mine).length);
    // Stopping an edge disconnects its own viewers only, not the other nodes' (through the adapter).
    watching.unsubscribe();
    expect(referenceStates).toEqual(['connected']);
  }, 60_000);
});
