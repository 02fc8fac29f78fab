import { mkdir, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Hub, HubBatch } from '@jetdrive-hub/client';
import { connectHub } from '@jetdrive-hub/client';
import type { Result } from '@jetdrive-hub/client/contract';
import type { HubConfig } from '../../server/config.js';
import { type ForkedHub, forkHub } from './fork-hub.js';
import { startRedisServer, type TestRedis } from './redis-server.js';
import { FIXTURE_DYNO, syntheticRun, writeRunFile } from './replay-fixtures.js';
import { HUB_OPERATOR } from './start-test-hub.js';

// A cluster of real processes on loopback for the cluster tests: a throwaway redis-server, one ingest node (with the
// simulated dyno) and edges, each a forked hub pinned to 127.0.0.1.

export interface TestCluster {
  redis: TestRedis;
  ingest: ForkedHub;
  edges: ForkedHub[];
  close(): Promise<void>;
}

export async function startCluster(edges: number, config: Partial<HubConfig> = {}): Promise<TestCluster> {
  const redis = await startRedisServer();
  const started: ForkedHub[] = [];
  try {
    const ingest = await forkHub({ role: 'ingest', redisUrl: redis.url, simRateHz: 50, ...config });
    started.push(ingest);
    const edgeHubs = await Promise.all(
      Array.from({ length: edges }, () => forkHub({ role: 'edge', redisUrl: redis.url, ...config })),
    );
    const cluster: TestCluster = {
      redis,
      ingest,
      edges: edgeHubs,
      // The nodes in the cluster now (a test may replace the ingest node or stop an edge).
      async close() {
        await Promise.all([cluster.ingest, ...cluster.edges].map((hub) => hub.close()));
        await redis.stop();
      },
    };
    return cluster;
  } catch (error) {
    await Promise.all(started.map((hub) => hub.close()));
    await redis.stop();
    throw error;
  }
}

/** A viewer (the SDK) that keeps every live sample of `selectors` as [channel, providerTs, value, time]. */
export interface RecordingViewer {
  hub: Hub;
  samples: [channel: string, providerTs: number, value: number, time: number][];
  close(): void;
}

export function recordingViewer(url: string, selectors: readonly string[]): RecordingViewer {
  const hub = connectHub(url, { token: HUB_OPERATOR });
  const samples: RecordingViewer['samples'] = [];
  const sub = hub.samples$(selectors).subscribe((batch: HubBatch) => {
    if (batch.kind !== 'live') return;
    for (const s of batch.samples) samples.push([s.channel, s.providerTs, s.value, s.time]);
  });
  return {
    hub,
    samples,
    close() {
      sub.unsubscribe();
      hub.close();
    },
  };
}

export async function postJson(url: string, body?: unknown): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { authorization: `Bearer ${HUB_OPERATOR}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

export async function getJson<T>(url: string): Promise<T> {
  const response = await fetch(url);
  return (await response.json()) as T;
}

/** A command's data, or a thrown error naming its code and message. */
export function okData<T>(r: Result<T>): T {
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r.data;
}

/** A fresh data directory whose run library holds one 4 s synthetic pull of FIXTURE_DYNO (for an ingest node). */
export async function dataDirWithRun(runId: string, name: string, startNs: bigint): Promise<string> {
  const dataDir = await mkdtemp(join(tmpdir(), 'jd-hub-'));
  await mkdir(join(dataDir, 'runs'));
  const run = syntheticRun(FIXTURE_DYNO, { startNs, durationMs: 4000, periodMs: 20 });
  await writeRunFile(join(dataDir, 'runs', `${runId}.mcap`), run, { name });
  return dataDir;
}
