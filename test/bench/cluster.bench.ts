// Cluster mode (issue 18). One redis-server, one ingest node fed by the bench's JetDrive provider (cluster-sender.ts:
// 17 channels at 50 Hz, in its own process), one edge, and a standalone hub listening passively to the same loopback
// JetDrive traffic (the baseline: the same data and the same viewers without Redis), each a forked process. Viewers
// run in child processes (test/support/spawn-viewers.ts), each subscribed to every channel, and histogram receive
// time − sample time. The bench provider answers no Ping, so a sample's time is the ingest node's receive time (an
// edge gets it with the datagram): the latency measured is the ingest node's receive → the viewer's receive, to the
// hub clock's millisecond. (With the simulator, sample times are its scheduled tick times, and its ticks go out
// 0–20 ms after them: that lag, not the hub, was a viewer's 12 ms median — cluster-latency-floor.ts measures it.)
// Measured in the same run:
//   latency p50/p99 of edge viewers against ingest-node viewers (what the Redis hop adds);
//   CPU per delivered message (process CPU from /proc over the window / frames the node's viewers got): edge against
//   the standalone hub (target ≤ 1.2x);
//   Redis input bytes/s (INFO stats, everything the nodes send it: data stream, adapter, heartbeats) per 1,000
//   samples/s ingested;
//   capacity: viewers on one edge (then, for comparison, on the ingest node) added step by step until their p99
//   exceeds 20 ms (cluster-capacity.ts), the other nodes without viewers.
import { type ChildProcess, fork } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { createConnection } from 'node:net';
import { cpus, loadavg } from 'node:os';
import { forkHub, type ForkedHub } from '../support/fork-hub.js';
import { histogramPercentile } from '../support/histogram-percentile.js';
import { raisePriority } from '../support/raise-priority.js';
import { startRedisServer } from '../support/redis-server.js';
import { spawnViewers, type ViewerGroup } from '../support/spawn-viewers.js';
import { describeSteps, rampViewers, VIEWER_GROUP as GROUP, viewerStats } from './cluster-capacity.js';
import type { BenchResult } from './types.js';

const SENDER = new URL('./cluster-sender.ts', import.meta.url);

const SECTION = 'cluster';
const VIEWERS = Number(process.env.CLUSTER_BENCH_VIEWERS ?? 50);
const WARMUP_MS = 3_000;
const MEASURE_MS = 10_000;
const CLOCK_TICK_MS = 10;
const CAPACITY_LIMIT_MS = 20;
/** The ramp's viewers all come from 127.0.0.1: room for its last step (500) within the per-address and total caps. */
const VIEWER_LIMITS = { maxViewers: 1000, maxConnectionsPerAddress: 1000 };
const SENDER_CHANNELS = 17;
const SENDER_RATE_HZ = 50;
const RAMP = {
  steps: (process.env.CLUSTER_BENCH_RAMP ?? '1,2,5,10,20,30,40,60,80,100,150,200,300,400,500').split(',').map(Number),
  limitMs: CAPACITY_LIMIT_MS,
  warmupMs: 2_000,
  measureMs: 6_000,
  // This machine is shared with other work (load averages of 8–12 on 2 cores): the ramp's processes get a higher
  // scheduling priority so that it measures the nodes, not their wait for a core (CLUSTER_BENCH_PRIORITY=0: not).
  raise: process.env.CLUSTER_BENCH_PRIORITY !== '0',
};

/** utime + stime of a process in ms (Linux /proc; 100 ticks a second). */
async function cpuMs(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * CLOCK_TICK_MS;
}

/** total_net_input_bytes from INFO stats, over a raw connection. */
function redisInputBytes(port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    let text = '';
    socket.on('error', reject);
    socket.on('connect', () => socket.write('INFO stats\r\n'));
    socket.on('data', (chunk) => {
      text += chunk.toString();
      const match = /total_net_input_bytes:(\d+)/.exec(text);
      if (match) {
        socket.destroy();
        resolve(Number(match[1]));
      }
    });
  });
}

/** The bench's JetDrive provider (cluster-sender.ts) in a child process, sending to `port` on the loopback group. */
async function startSender(port: number): Promise<ChildProcess> {
  const args = ['--port', String(port), '--rate', String(SENDER_RATE_HZ), '--channels', String(SENDER_CHANNELS)];
  const child = fork(SENDER, args, { execArgv: ['--import', 'tsx/esm'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  await new Promise<void>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`the bench sender exited with ${code} before it was ready`)));
    child.once('message', () => resolve());
  });
  return child;
}

interface Node {
  name: string;
  hub: ForkedHub;
  viewers: ViewerGroup[];
}

async function measure(nodes: Node[], redisPort: number) {
  for (const n of nodes) await viewerStats(n.viewers, true);
  const cpu0 = await Promise.all(nodes.map((n) => cpuMs(n.hub.proc.pid ?? 0)));
  const bytes0 = await redisInputBytes(redisPort);
  const started = performance.now();
  await new Promise((resolve) => setTimeout(resolve, MEASURE_MS));
  const seconds = (performance.now() - started) / 1000;
  const bytes1 = await redisInputBytes(redisPort);
  const cpu1 = await Promise.all(nodes.map((n) => cpuMs(n.hub.proc.pid ?? 0)));
  const stats = await Promise.all(nodes.map((n) => viewerStats(n.viewers, true)));
  return nodes.map((n, i) => ({
    name: n.name,
    p50: histogramPercentile(stats[i].histogram, 0.5),
    p99: histogramPercentile(stats[i].histogram, 0.99),
    frames: stats[i].frames,
    samplesPerS: stats[i].samples / VIEWERS / seconds,
    cpuPerFrameUs: ((cpu1[i] - cpu0[i]) * 1000) / Math.max(1, stats[i].frames),
    redisBytesPerS: (bytes1 - bytes0) / seconds,
  }));
}

/** An edge viewer's latency percentile against the ingest node's, with what the Redis hop added. */
function edgeLatency(percentile: string, edge: number, ingest: number): BenchResult {
  return {
    section: SECTION,
    name: `edge viewer latency ${percentile}`,
    value: edge,
    unit: 'ms',
    baseline: { name: 'ingest node', value: ingest },
    ratio: edge / ingest,
    notes: `added ${(edge - ingest).toFixed(2)} ms`,
  };
}

/** Viewers per edge at p99 ≤ 20 ms, against the ingest node's (each ramped alone, every channel at 50 Hz). */
async function capacityResult(
  edge: ForkedHub,
  ingest: ForkedHub,
  others: (number | undefined)[],
): Promise<BenchResult> {
  const pids = [edge.proc.pid, ingest.proc.pid, ...others].filter((pid) => pid !== undefined);
  const restore = RAMP.raise ? pids.map((pid) => raisePriority(pid)) : [];
  // The machine is shared: its load while ramping says how much of the latency is other work's.
  const loadBefore = loadavg()[0];
  const onEdge = await rampViewers(edge.url, RAMP);
  const onIngest = await rampViewers(ingest.url, RAMP);
  for (const undo of restore) undo?.();
  const priority = RAMP.raise
    ? restore.every(Boolean)
      ? 'priority raised (nice -10)'
      : 'priority NOT raised'
    : 'normal priority';
  const load = `load average ${loadBefore.toFixed(1)} → ${loadavg()[0].toFixed(1)} on ${cpus().length} cores, ${priority}`;
  const rate = Math.round(onEdge.steps[0]?.samplesPerViewerS ?? 0);
  return {
    section: SECTION,
    name: `viewers per edge at p99 ≤ ${CAPACITY_LIMIT_MS} ms`,
    value: onEdge.capacity,
    unit: 'viewers',
    baseline: { name: 'ingest node', value: onIngest.capacity },
    ratio: onEdge.capacity / Math.max(1, onIngest.capacity),
    notes: `every channel, ${rate} samples/s a viewer; latency: ingest node's receive → viewer's receive; ${load}; edge ${describeSteps(onEdge.steps)}; ingest ${describeSteps(onIngest.steps)}`,
  };
}

export async function run(): Promise<BenchResult[]> {
  const redis = await startRedisServer();
  const hubs: ForkedHub[] = [];
  const groups: ViewerGroup[] = [];
  let sender: ChildProcess | null = null;
  try {
    const ingest = await forkHub({ ...VIEWER_LIMITS, role: 'ingest', redisUrl: redis.url, sim: false });
    hubs.push(ingest);
    sender = await startSender(ingest.jetdrivePort);
    const edge = await forkHub({ ...VIEWER_LIMITS, role: 'edge', redisUrl: redis.url });
    hubs.push(edge);
    // The baseline hears the ingest node's simulator on the same loopback group and port, listening only.
    const standalone = await forkHub({ jetdrivePort: ingest.jetdrivePort, sim: false, passive: true });
    hubs.push(standalone);
    const nodes: Node[] = [];
    for (const [name, hub] of [
      ['ingest', ingest],
      ['edge', edge],
      ['standalone', standalone],
    ] as const) {
      const viewers: ViewerGroup[] = [];
      for (let left = VIEWERS; left > 0; left -= GROUP) {
        const group = await spawnViewers({ url: hub.url, clients: Math.min(GROUP, left), selectors: ['*'] });
        viewers.push(group);
        groups.push(group);
      }
      nodes.push({ name, hub, viewers });
    }
    await new Promise((resolve) => setTimeout(resolve, WARMUP_MS));
    const [i, e, s] = await measure(nodes, redis.port);
    for (const g of groups.splice(0)) await g.close();
    await standalone.close();
    const capacity = await capacityResult(edge, ingest, [redis.pid(), sender.pid]);
    const notes = `${VIEWERS} viewers per node, every channel, ${Math.round(i.samplesPerS)} samples/s each; latency: ingest node's receive → viewer's receive`;
    return [
      { section: SECTION, name: 'ingest-node viewer latency p50', value: i.p50, unit: 'ms', notes },
      { section: SECTION, name: 'ingest-node viewer latency p99', value: i.p99, unit: 'ms' },
      edgeLatency('p50', e.p50, i.p50),
      edgeLatency('p99', e.p99, i.p99),
      {
        section: SECTION,
        name: 'edge CPU per delivered frame',
        value: e.cpuPerFrameUs,
        unit: 'µs',
        baseline: { name: 'standalone hub, same data and viewers', value: s.cpuPerFrameUs },
        ratio: e.cpuPerFrameUs / s.cpuPerFrameUs,
        target: '≤ 1.2x',
        notes: `frames: edge ${e.frames}, standalone ${s.frames}`,
      },
      {
        section: SECTION,
        name: 'Redis input per 1,000 samples/s',
        value: (i.redisBytesPerS * 1000) / i.samplesPerS,
        unit: 'B/s',
        notes: `${Math.round(i.redisBytesPerS)} B/s for ${Math.round(i.samplesPerS)} samples/s (one ingest node, one edge)`,
      },
      capacity,
    ];
  } finally {
    sender?.kill();
    for (const g of groups) await g.close();
    for (const h of hubs) await h.close();
    await redis.stop();
  }
}
