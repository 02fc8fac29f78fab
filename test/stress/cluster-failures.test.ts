import type { ConnectionState } from '@jetdrive-hub/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RecordingViewer, recordingViewer, startCluster, type TestCluster } from '../support/cluster-nodes.js';
import { forkHub } from '../support/fork-hub.js';
import { until } from '../support/until.js';

// What viewers see when Redis or the ingest node goes away, with real processes and a real redis-server.

const SELECTORS = ['Digital RPM 1', 'Torque'];

interface Watched {
  viewer: RecordingViewer;
  /** connection$ states as they changed; a stale one as `stale:<source state>`. */
  states: string[];
}

function watch(url: string): Watched {
  const viewer = recordingViewer(url, SELECTORS);
  const states: string[] = [];
  viewer.hub.connection$.subscribe((c: ConnectionState) => {
    const state = c.state === 'stale' ? `stale:${c.source.state}` : c.state;
    if (states.at(-1) !== state) states.push(state);
  });
  return { viewer, states };
}

/** The longest pause between two samples' receive times on the viewer's side (ms), after `from`. */
function longestPause(arrivals: number[], from: number): number {
  let longest = 0;
  const after = arrivals.filter((t) => t >= from);
  for (let i = 1; i < after.length; i++) longest = Math.max(longest, after[i] - after[i - 1]);
  return longest;
}

describe('cluster failures', () => {
  let cluster: TestCluster;
  const viewers: Watched[] = [];

  beforeAll(async () => {
    cluster = await startCluster(1, { interfaces: ['127.0.0.1'] });
  }, 60_000);

  afterAll(async () => {
    for (const w of viewers) w.viewer.close();
    await cluster?.close();
  }, 30_000);

  it('Redis stopped for 5 s: ingest viewers never stop, edge viewers see stale, then go on without a restart', async () => {
    const onIngest = watch(cluster.ingest.url);
    const onEdge = watch(cluster.edges[0].url);
    viewers.push(onIngest, onEdge);
    const ingestArrivals: number[] = [];
    onIngest.viewer.hub.samples$(SELECTORS).subscribe(() => ingestArrivals.push(Date.now()));
    await until(() => onIngest.viewer.samples.length > 20 && onEdge.viewer.samples.length > 20, 20_000, 'data', 50);

    await until(() => onEdge.states.at(-1) === 'connected', 10_000, 'the edge to read the stream', 20);
    const statesBefore = onEdge.states.length;
    const stoppedAt = Date.now();
    await cluster.redis.stop();
    await until(() => onEdge.states.includes('stale:stale'), 10_000, 'the edge viewer to see stale', 20);
    const edgeCountWhileDown = onEdge.viewer.samples.length;
    const ingestCountWhileDown = onIngest.viewer.samples.length;
    await until(() => Date.now() - stoppedAt >= 5000, 6000, '5 s of outage', 50);
    // The ingest node's own viewers went on; the edge had nothing new to show.
    expect(onIngest.viewer.samples.length).toBeGreaterThan(ingestCountWhileDown + 50);
    expect(onEdge.viewer.samples.length - edgeCountWhileDown).toBeLessThan(5);

    await cluster.redis.restart();
    await until(() => onEdge.states.at(-1) === 'connected', 15_000, 'the edge viewer to be live again', 20);
    const resumed = onEdge.viewer.samples.length;
    await until(() => onEdge.viewer.samples.length > resumed + 50, 15_000, 'edge data after Redis is back', 20);
    expect(onEdge.states.slice(statesBefore)).toEqual(['stale:stale', 'connected']);
    expect(onIngest.states).toEqual(['connecting', 'connected']);
    // "Never stopped": no pause on the ingest node longer than a second (it sends at 50 Hz).
    expect(longestPause(ingestArrivals, stoppedAt)).toBeLessThan(1000);
  }, 60_000);

  it('the ingest node restarts: edge viewers see the source offline, then data again', async () => {
    const onEdge = watch(cluster.edges[0].url);
    viewers.push(onEdge);
    await until(() => onEdge.viewer.samples.length > 20, 20_000, 'data on the edge', 50);
    await cluster.ingest.close();
    await until(
      () => onEdge.states.at(-1) === 'stale:offline',
      15_000,
      'the edge viewer to see the source offline',
      20,
    );
    const before = onEdge.viewer.samples.length;
    const ingest = await forkHub({
      role: 'ingest',
      redisUrl: cluster.redis.url,
      simRateHz: 50,
      interfaces: ['127.0.0.1'],
    });
    cluster.ingest = ingest;
    await until(() => onEdge.states.at(-1) === 'connected', 20_000, 'the edge viewer to be live again', 20);
    await until(() => onEdge.viewer.samples.length > before + 50, 20_000, 'data from the new ingest node', 20);
  }, 60_000);
});
