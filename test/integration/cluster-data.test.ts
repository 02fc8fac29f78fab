import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClusterView } from '@jetdrive-hub/client/contract';
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
    cluster = await startCluster(2);
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
});
