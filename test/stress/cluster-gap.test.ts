import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SourceGap } from '@jetdrive-hub/client/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RecordingViewer, recordingViewer } from '../support/cluster-nodes.js';
import { type ForkedHub, forkHub } from '../support/fork-hub.js';
import { startRedisServer, type TestRedis } from '../support/redis-server.js';
import { type SpawnedHub, spawnHub } from '../support/spawn-hub.js';
import { connectViewer, type TestSocket } from '../support/start-test-hub.js';
import { freeUdpPort } from '../support/udp.js';
import { until } from '../support/until.js';

// An edge that falls further behind than the data stream keeps (MAXLEN ~1000 here) is never silent about it: with
// the edge process stopped (SIGSTOP) while the ingest node publishes well over 1,000 entries, the entries it had not
// read are trimmed; once it runs again it counts the gap once, with how many entries it missed, and tells its
// viewers (`source:gap`) and its log (one warning), then goes on reading. The edge is a real `server/main.ts` process
// (its JSON log read from stdout); the ingest node a forked hub.

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

const gapLogs = (edge: SpawnedHub) =>
  edge
    .output()
    .split('\n')
    .filter((line) => line.includes('"msg":"gap: ')).length;

describe('cluster gap report', () => {
  let redis: TestRedis;
  let ingest: ForkedHub;
  let edge: SpawnedHub;
  let edgeUrl: string;
  let edgeDir: string;
  let socket: TestSocket;
  let viewer: RecordingViewer;

  beforeAll(async () => {
    redis = await startRedisServer();
    ingest = await forkHub({
      role: 'ingest',
      redisUrl: redis.url,
      clusterStreamMaxLen: MAX_LEN,
      simRateHz: 200,
      interfaces: ['127.0.0.1'],
    });
    edgeDir = await mkdtemp(join(tmpdir(), 'jd-edge-'));
    edge = spawnHub({
      jetdrivePort: await freeUdpPort(),
      dataDir: edgeDir,
      iface: '127.0.0.1',
      env: { HUB_ROLE: 'edge', REDIS_URL: redis.url },
    });
    edgeUrl = await edge.listening();
  }, 60_000);

  afterAll(async () => {
    socket?.disconnect();
    viewer?.close();
    if (edge && edge.proc.exitCode === null) {
      const exited = new Promise((resolve) => edge.proc.once('exit', resolve));
      edge.proc.kill('SIGCONT');
      edge.proc.kill('SIGTERM');
      await exited;
    }
    await ingest?.close();
    await redis?.stop();
    if (edgeDir) await rm(edgeDir, { recursive: true, force: true });
  }, 30_000);

  it('an edge stopped past what the stream keeps reports the gap once, tells its viewers, and goes on', async () => {
    socket = await connectViewer(edgeUrl);
    const gaps: SourceGap[] = [];
    socket.on('source:gap', (gap) => gaps.push(gap));
    viewer = recordingViewer(edgeUrl, ['Digital RPM 1']);
    await until(() => viewer.samples.length > 20, 20_000, 'data on the edge', 50);
    // Reading along, the edge misses nothing.
    expect((await counters(edgeUrl)).reader).toMatchObject({ gaps: 0, missedEntries: 0 });

    const publishedBefore = (await counters(ingest.url)).publisher?.published ?? 0;
    edge.proc.kill('SIGSTOP');
    try {
      await until(
        async () => ((await counters(ingest.url)).publisher?.published ?? 0) > publishedBefore + 2.5 * MAX_LEN,
        60_000,
        'the ingest node to publish well past MAXLEN',
        200,
      );
    } finally {
      edge.proc.kill('SIGCONT');
    }
    await until(async () => ((await counters(edgeUrl)).reader?.gaps ?? 0) > 0, 10_000, 'the gap counted', 50);
    await until(() => gaps.length > 0, 5000, 'source:gap on the viewer', 20);
    const reader = (await counters(edgeUrl)).reader;
    // Once per gap, with what was lost: at least what was published beyond what the stream keeps (MAXLEN ~ keeps a
    // little more than MAXLEN), at most what was published while it was stopped.
    expect(reader?.gaps).toBe(1);
    expect(gaps).toHaveLength(1);
    expect(gaps[0].missedEntries).toBe(reader?.missedEntries);
    expect(gapLogs(edge)).toBe(1);
    expect(gaps[0].missedEntries).toBeGreaterThan(MAX_LEN / 2);
    expect(gaps[0].afterId).not.toBeNull();
    expect(gaps[0].resumedAt > (gaps[0].afterId ?? '')).toBe(true);

    const after = viewer.samples.length;
    await until(() => viewer.samples.length > after + 50, 15_000, 'data after the gap', 50);
    expect((await counters(edgeUrl)).reader?.gaps).toBe(1);
    expect(gapLogs(edge)).toBe(1);
  }, 120_000);
});
