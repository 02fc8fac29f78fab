import type { SourceGap } from '@jetdrive-hub/client/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RecordingViewer, recordingViewer, startCluster, type TestCluster } from '../support/cluster-nodes.js';
import { connectViewer, type TestSocket } from '../support/start-test-hub.js';
import { until } from '../support/until.js';

// An edge that falls further behind than the data stream keeps (MAXLEN ~1000 here) is never silent about it: with
// the edge process stopped (SIGSTOP) while the ingest node publishes well over 1,000 entries, the entries it had not
// read are trimmed; once it runs again it counts the gap once, with how many entries it missed, and tells its
// viewers (`source:gap`), then goes on reading.

const MAX_LEN = 1000;

interface ClusterCounters {
  publisher: { published: number } | null;
  reader: { gaps: number; missedEntries: number; entries: number } | null;
}

async function counters(url: string): Promise<ClusterCounters> {
  const status = (await (await fetch(`${url}/api/jetdrive/status`)).json()) as {
    cluster: { counters: ClusterCounters };
  };
  return status.cluster.counters;
}

describe('cluster gap report', () => {
  let cluster: TestCluster;
  let socket: TestSocket;
  let viewer: RecordingViewer;

  beforeAll(async () => {
    cluster = await startCluster(1, { clusterStreamMaxLen: MAX_LEN, simRateHz: 200 });
  }, 60_000);

  afterAll(async () => {
    cluster?.edges[0].proc.kill('SIGCONT');
    socket?.disconnect();
    viewer?.close();
    await cluster?.close();
  }, 30_000);

  it('an edge stopped past what the stream keeps reports the gap once, tells its viewers, and goes on', async () => {
    const edge = cluster.edges[0];
    socket = await connectViewer(edge.url);
    const gaps: SourceGap[] = [];
    socket.on('source:gap', (gap) => gaps.push(gap));
    viewer = recordingViewer(edge.url, ['Digital RPM 1']);
    await until(() => viewer.samples.length > 20, 20_000, 'data on the edge', 50);
    // Reading along, the edge misses nothing.
    expect((await counters(edge.url)).reader).toMatchObject({ gaps: 0, missedEntries: 0 });

    const publishedBefore = (await counters(cluster.ingest.url)).publisher?.published ?? 0;
    edge.proc.kill('SIGSTOP');
    try {
      await until(
        async () => ((await counters(cluster.ingest.url)).publisher?.published ?? 0) > publishedBefore + 2.5 * MAX_LEN,
        60_000,
        'the ingest node to publish well past MAXLEN',
        200,
      );
    } finally {
      edge.proc.kill('SIGCONT');
    }
    await until(async () => ((await counters(edge.url)).reader?.gaps ?? 0) > 0, 10_000, 'the gap counted', 50);
    await until(() => gaps.length > 0, 5000, 'source:gap on the viewer', 20);
    const reader = (await counters(edge.url)).reader;
    // Once per gap, with what was lost: at least what was published beyond what the stream keeps (MAXLEN ~ keeps a
    // little more than MAXLEN), at most what was published while it was stopped.
    expect(reader?.gaps).toBe(1);
    expect(gaps).toHaveLength(1);
    expect(gaps[0].missedEntries).toBe(reader?.missedEntries);
    expect(gaps[0].missedEntries).toBeGreaterThan(MAX_LEN / 2);
    expect(gaps[0].afterId).not.toBeNull();
    expect(gaps[0].resumedAt > (gaps[0].afterId ?? '')).toBe(true);

    const after = viewer.samples.length;
    await until(() => viewer.samples.length > after + 50, 15_000, 'data after the gap', 50);
    expect((await counters(edge.url)).reader?.gaps).toBe(1);
  }, 120_000);
});
