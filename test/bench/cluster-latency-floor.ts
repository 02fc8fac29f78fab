// Where a simulator-fed viewer's latency floor comes from (issue 18's capacity table read 0 because one viewer on an
// idle machine already had p50 ~12 / p99 ~22 ms). One hub with the simulated dyno at 50 Hz in a child process; in
// this process a loopback listener on the hub's JetDrive group and port (it hears each datagram when the hub does)
// and two viewers: every sample, and maxHz 50 (the dashboard's kind of stream). Per sample it splits
//   viewer receive − sample time  =  (wire receive − sample time)  +  (viewer receive − wire receive)
// where the first term is the simulator's send lag (plus the clock mapping's error) and the second the hub's whole
// pipeline (decode, fan-out, Socket.IO, the viewer's parse). Also: the send lag against the simulator's own clock
// (wire receive − provider timestamp, minus its minimum), which needs no clock mapping at all.
// Run: `node --import tsx/esm test/bench/cluster-latency-floor.ts` (CLUSTER_FLOOR_MS: how long to measure, default 10000).

import type { DataFrame, Result, SubscribeResult } from '@jetdrive-hub/client/contract';
import { io, type Socket } from 'socket.io-client';
import { decodeFrame } from '../../server/protocol/index.js';
import { forkHub } from '../support/fork-hub.js';
import { closeSocket, openLoopbackMulticast } from '../support/udp.js';

process.env.LOG_LEVEL ??= 'warn';

const MEASURE_MS = Number(process.env.CLUSTER_FLOOR_MS ?? 10_000);
const WARMUP_MS = 3_000;
const now = () => performance.timeOrigin + performance.now();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Seen {
  /** Epoch ms the listener got the datagram carrying provider timestamp `ts` (first one wins). */
  wire: Map<number, number>;
  rows: { stream: string; sampleTime: number; pts: number; viewer: number }[];
  recording: boolean;
  /** Epoch ms the measured window began and ended. */
  window: [number, number];
}

function percentile(values: number[], fraction: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * fraction))] ?? Number.NaN;
}

function describe(label: string, values: number[]): string {
  const f = (x: number) => x.toFixed(2).padStart(7);
  return `${label.padEnd(46)} p1 ${f(percentile(values, 0.01))}  p50 ${f(percentile(values, 0.5))}  p99 ${f(percentile(values, 0.99))}  max ${f(Math.max(...values))} ms  (n ${values.length})`;
}

async function viewer(url: string, name: string, maxHz: number | undefined, seen: Seen): Promise<Socket> {
  const socket = io(url, { transports: ['websocket'], reconnection: false, forceNew: true });
  socket.on('stream:data', (frame: DataFrame) => {
    const at = now();
    if (!seen.recording) return;
    for (let i = 3; i + 4 <= frame.length; i += 4) {
      seen.rows.push({ stream: name, sampleTime: frame[1] + frame[i + 1], pts: frame[2] + frame[i + 3], viewer: at });
    }
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
  const result = await new Promise<Result<SubscribeResult>>((resolve) =>
    socket.emit('channel:subscribe', { selectors: ['*'], ...(maxHz ? { maxHz } : {}) }, resolve),
  );
  if (!result.ok) throw new Error(`subscribe failed: ${result.error.message}`);
  return socket;
}

async function main(): Promise<void> {
  const hub = await forkHub({ simRateHz: 50, simAutoPull: true });
  const listener = await openLoopbackMulticast(hub.jetdrivePort);
  const seen: Seen = { wire: new Map(), rows: [], recording: false, window: [0, 0] };
  listener.on('message', (bytes) => {
    const at = now();
    let frame: ReturnType<typeof decodeFrame>;
    try {
      frame = decodeFrame(bytes);
    } catch {
      return;
    }
    if (frame.type !== 'ChannelValues') return;
    for (const s of frame.samples) if (!seen.wire.has(s.ts)) seen.wire.set(s.ts, at);
  });
  const sockets = [await viewer(hub.url, 'every sample', undefined, seen), await viewer(hub.url, 'maxHz 50', 50, seen)];
  try {
    await sleep(WARMUP_MS);
    seen.recording = true;
    seen.window[0] = now();
    await sleep(MEASURE_MS);
    seen.recording = false;
    seen.window[1] = now();
    report(seen);
  } finally {
    for (const s of sockets) s.disconnect();
    await closeSocket(listener);
    await hub.close();
  }
}

function report(seen: Seen): void {
  // The simulator's clock starts at its own start: wire − ts is its start epoch plus the send lag, so the smallest
  // wire − ts is (to within the loopback hop) the start, and the rest is how late each tick went out.
  const wireMinusTs = [...seen.wire].map(([ts, wire]) => ({ wire, lag: wire - ts }));
  const start = Math.min(...wireMinusTs.map((x) => x.lag));
  const inWindow = wireMinusTs.filter((x) => x.wire >= seen.window[0] && x.wire <= seen.window[1]);
  console.log(
    describe(
      'simulator send lag (wire − tick time, own clock)',
      inWindow.map((x) => x.lag - start),
    ),
  );
  for (const stream of ['every sample', 'maxHz 50']) {
    const rows = seen.rows.filter((r) => r.stream === stream && seen.wire.has(r.pts));
    const wire = (r: (typeof rows)[number]) => seen.wire.get(r.pts) ?? Number.NaN;
    console.log(`-- viewer: ${stream}`);
    console.log(
      describe(
        '  viewer receive − sample time (as the bench)',
        rows.map((r) => r.viewer - r.sampleTime),
      ),
    );
    console.log(
      describe(
        '  wire receive − sample time (mapped)',
        rows.map((r) => wire(r) - r.sampleTime),
      ),
    );
    console.log(
      describe(
        '  viewer receive − wire receive (the hub)',
        rows.map((r) => r.viewer - wire(r)),
      ),
    );
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
