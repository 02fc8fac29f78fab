// Realtime gateway fan-out. The server (gateway or the raw-ws baseline) runs in this process; viewers run in child
// processes so process.cpuUsage() here is the server's share. Each viewer subscribes to all 19 simulator channels;
// batches of 19 samples are injected at 50 Hz, stamped with the injection time, and the viewers histogram
// (receive time - sample time). Variants per viewer count, all in the same run:
//   ws-raw      the baseline: JSON-encode each batch once, send the same buffer to every ws client;
//   gateway-json / gateway-msgpack  the gateway with either Socket.IO parser.
// At 500 viewers also a diagnostic, gateway-eio-min: the same gateway (JSON parser) with viewers that speak the
// Engine.IO/Socket.IO wire protocol over plain ws with one JSON.parse per frame (no socket.io-client), so viewer-side
// cost matches the baseline; it separates the server's share of the latency ratio from socket.io-client's, which
// runs 500 times per batch on the same 2 cores as the server. Dashboards use socket.io-client: the gateway-json
// rows are the figures that count.
// Then memory: per idle viewer, and with one viewer paused (SIGSTOP) under heavy traffic (gateway vs raw ws).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import WebSocket, { WebSocketServer } from 'ws';
import type { SampleBatch } from '../../server/channels/types.js';
import { compactFloat } from '../../server/realtime/compact-float.js';
import { createRealtimeGateway, type RealtimeGateway } from '../../server/realtime/index.js';
import { createRegistryDriver, type RegistryDriver, SIMULATOR_CHANNELS } from '../support/registry-driver.js';
import { spawnViewers, type ViewerGroup } from '../support/spawn-viewers.js';
import { histogramValue } from '../support/viewer-protocol.js';
import type { BenchResult } from './types.js';

const PROVIDER = 0x43fd;
const RATE_HZ = 50;
const WARMUP_MS = 700;
const MEASURE_MS = 3_000;
const VIEWER_COUNTS = [1, 100, 500];
const IDLE_VIEWERS = 300;
const SECTION = 'gateway';

type Variant = 'ws-raw' | 'gateway-json' | 'gateway-msgpack' | 'gateway-eio-min';
const DIAGNOSTIC_FROM = 500;

interface Target {
  url: string;
  /** Sends one batch of 19 samples stamped `time` to every viewer. */
  inject(time: number): void;
  close(): Promise<void>;
}

interface Measurement {
  p50: number;
  p99: number;
  samplesPerSecond: number;
  cpuMicrosPerMessage: number;
  messages: number;
}

function epochNow(): number {
  return performance.timeOrigin + performance.now();
}

function listen(server: Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
}

function simulatorRegistry(): RegistryDriver {
  const registry = createRegistryDriver({ ringSize: 100 });
  registry.addProvider(PROVIDER, 'Power Core');
  for (const channel of SIMULATOR_CHANNELS) registry.addChannel({ providerId: PROVIDER, ...channel });
  return registry;
}

let tick = 0;
function simulatorValues(): [number, number][] {
  tick++;
  return SIMULATOR_CHANNELS.map((channel, i) => [channel.channelId, Math.fround(1000 + Math.sin(tick / 10 + i) * 900)]);
}

async function startGatewayTarget(parser: 'json' | 'msgpack'): Promise<Target & { gateway: RealtimeGateway }> {
  const registry = simulatorRegistry();
  const server = createServer();
  const gateway = createRealtimeGateway({
    httpServer: server,
    registry,
    source: 'simulated',
    serverVersion: 'bench',
    options: { parser },
  });
  const port = await listen(server);
  return {
    gateway,
    url: `http://127.0.0.1:${port}`,
    inject: (time) => {
      registry.push(PROVIDER, simulatorValues(), time);
    },
    close: () => gateway.close(),
  };
}

/** Same compact frame as the gateway (relative times, shortest float32 values), built with the same loop. */
function rawFrame(batch: SampleBatch): Buffer {
  const baseTime = batch.times[0];
  const basePts = batch.providerTs[0];
  const frame: number[] = [1, baseTime, basePts];
  for (let i = 0; i < batch.count; i++) {
    frame.push(i, batch.times[i] - baseTime, compactFloat(batch.values[i]), batch.providerTs[i] - basePts);
  }
  return Buffer.from(JSON.stringify(frame));
}

/**
 * The baseline: the same registry and batches, each encoded once and written to every client with plain ws
 * (no rooms, no selection, no slow-viewer protection).
 */
async function startRawWsTarget(): Promise<Target & { wss: WebSocketServer }> {
  const registry = simulatorRegistry();
  const server = createServer();
  const wss = new WebSocketServer({ server });
  registry.samples$.subscribe((batch) => {
    const data = rawFrame(batch);
    for (const client of wss.clients) if (client.readyState === WebSocket.OPEN) client.send(data, { binary: false });
  });
  const port = await listen(server);
  return {
    wss,
    url: `ws://127.0.0.1:${port}`,
    inject: (time) => {
      registry.push(PROVIDER, simulatorValues(), time);
    },
    close: async () => {
      for (const client of wss.clients) client.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

async function startTarget(variant: Variant): Promise<Target> {
  if (variant === 'ws-raw') return startRawWsTarget();
  return startGatewayTarget(variant === 'gateway-msgpack' ? 'msgpack' : 'json');
}

function transportOf(variant: Variant): 'ws' | 'socketio' | 'eio-min' {
  if (variant === 'ws-raw') return 'ws';
  return variant === 'gateway-eio-min' ? 'eio-min' : 'socketio';
}

async function spawnAll(target: Target, variant: Variant, viewers: number): Promise<ViewerGroup[]> {
  // Two viewer processes for larger counts, so one client process's own CPU does not cap what we measure.
  const parts = viewers >= 100 ? [Math.ceil(viewers / 2), Math.floor(viewers / 2)] : [viewers];
  return Promise.all(
    parts.map((clients) =>
      spawnViewers({
        url: target.url,
        clients,
        selectors: ['*'],
        parser: variant === 'gateway-msgpack' ? 'msgpack' : 'json',
        transport: transportOf(variant),
      }),
    ),
  );
}

function percentile(histogram: number[], fraction: number): number {
  const total = histogram.reduce((sum, count) => sum + count, 0);
  let seen = 0;
  for (let i = 0; i < histogram.length; i++) {
    seen += histogram[i];
    if (seen >= total * fraction) return histogramValue(i);
  }
  return Number.NaN;
}

async function measure(variant: Variant, viewers: number): Promise<Measurement> {
  const target = await startTarget(variant);
  const groups = await spawnAll(target, variant, viewers);
  try {
    const timer = setInterval(() => target.inject(epochNow()), 1000 / RATE_HZ);
    await new Promise((resolve) => setTimeout(resolve, WARMUP_MS));
    await Promise.all(groups.map((group) => group.stats(true)));
    const cpuBefore = process.cpuUsage();
    const started = performance.now();
    await new Promise((resolve) => setTimeout(resolve, MEASURE_MS));
    const cpu = process.cpuUsage(cpuBefore);
    const elapsed = performance.now() - started;
    clearInterval(timer);
    const stats = await Promise.all(groups.map((group) => group.stats(true)));
    const histogram = stats[0].histogram.map((_, i) => stats.reduce((sum, s) => sum + s.histogram[i], 0));
    const samples = stats.reduce((sum, s) => sum + s.samples, 0);
    const messages = stats.reduce((sum, s) => sum + s.frames, 0);
    return {
      p50: percentile(histogram, 0.5),
      p99: percentile(histogram, 0.99),
      samplesPerSecond: (samples / elapsed) * 1000,
      cpuMicrosPerMessage: (cpu.user + cpu.system) / Math.max(1, messages),
      messages,
    };
  } finally {
    await Promise.all(groups.map((group) => group.close()));
    await target.close();
  }
}

function bestOf(a: Measurement, b: Measurement): Measurement {
  return {
    p50: Math.min(a.p50, b.p50),
    p99: Math.min(a.p99, b.p99),
    samplesPerSecond: Math.max(a.samplesPerSecond, b.samplesPerSecond),
    cpuMicrosPerMessage: Math.min(a.cpuMicrosPerMessage, b.cpuMicrosPerMessage),
    messages: Math.max(a.messages, b.messages),
  };
}

const gc: () => void = (() => {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
})();

function usedMemory(): number {
  gc();
  gc();
  const usage = process.memoryUsage();
  return usage.heapUsed + usage.external + usage.arrayBuffers;
}

async function idleMemoryPerViewer(variant: 'ws-raw' | 'gateway-json'): Promise<number> {
  const target = await startTarget(variant);
  // One viewer process first, so the process's own IPC objects are in `before` for both variants.
  const first = await spawnViewers({
    url: target.url,
    clients: 1,
    transport: variant === 'ws-raw' ? 'ws' : 'socketio',
  });
  await new Promise((resolve) => setTimeout(resolve, 200));
  const before = usedMemory();
  const more = await spawnViewers({
    url: target.url,
    clients: IDLE_VIEWERS,
    transport: variant === 'ws-raw' ? 'ws' : 'socketio',
  });
  await new Promise((resolve) => setTimeout(resolve, 300));
  const after = usedMemory();
  await Promise.all([first.close(), more.close()]);
  await target.close();
  return (after - before) / IDLE_VIEWERS;
}

/** 400-channel batches at ~1 kHz (~3 MB/s per viewer) for 6 s with one of two viewers stopped. */
async function pausedViewerMemory(variant: 'ws-raw' | 'gateway-json'): Promise<{ growth: number; backlog: number }> {
  const registry = createRegistryDriver({ ringSize: 4 });
  registry.addProvider(PROVIDER, 'Power Core');
  const ids = Array.from({ length: 400 }, (_, i) => i + 1);
  for (const id of ids) registry.addChannel({ providerId: PROVIDER, channelId: id, name: `Channel ${id}` });
  const server = createServer();
  let gateway: RealtimeGateway | null = null;
  let wss: WebSocketServer | null = null;
  if (variant === 'gateway-json') {
    gateway = createRealtimeGateway({ httpServer: server, registry, source: 'simulated', serverVersion: 'bench' });
  } else {
    wss = new WebSocketServer({ server });
    registry.samples$.subscribe((batch) => {
      const data = rawFrame(batch);
      for (const client of wss?.clients ?? [])
        if (client.readyState === WebSocket.OPEN) client.send(data, { binary: false });
    });
  }
  const port = await listen(server);
  const url = variant === 'ws-raw' ? `ws://127.0.0.1:${port}` : `http://127.0.0.1:${port}`;
  const transport = variant === 'ws-raw' ? 'ws' : 'socketio';
  const healthy = await spawnViewers({ url, clients: 1, transport });
  const paused = await spawnViewers({ url, clients: 1, transport });
  const before = usedMemory();
  paused.pause();
  const values = ids.map((id) => [id, 0] as [number, number]);
  let n = 0;
  const timer = setInterval(() => {
    n++;
    for (const value of values) value[1] = n + value[0];
    registry.push(PROVIDER, values);
  }, 1);
  await new Promise((resolve) => setTimeout(resolve, 6_000));
  clearInterval(timer);
  const after = usedMemory();
  let backlog = 0;
  if (gateway) backlog = gateway.stats().maxBacklogSeen;
  for (const client of wss?.clients ?? []) backlog = Math.max(backlog, client.bufferedAmount);
  await paused.close();
  await healthy.close();
  if (gateway) await gateway.close();
  if (wss) {
    for (const client of wss.clients) client.terminate();
    wss.close();
    server.close();
  }
  return { growth: after - before, backlog };
}

/** A figure against the ws-raw baseline measured in the same run. */
function vsRaw(
  name: string,
  value: number,
  rawValue: number,
  unit: string,
  extra: Pick<BenchResult, 'target' | 'notes'> = {},
): BenchResult {
  return {
    section: SECTION,
    name,
    value,
    unit,
    baseline: { name: 'ws-raw', value: rawValue },
    ratio: value / rawValue,
    ...extra,
  };
}

/** Other work on the machine only ever adds latency and CPU, so over interleaved rounds each variant keeps its best. */
async function bestPerVariant(viewers: number): Promise<Record<Variant, Measurement | null>> {
  const rounds = viewers >= 100 ? 3 : 2;
  const best: Record<Variant, Measurement | null> = {
    'ws-raw': null,
    'gateway-json': null,
    'gateway-msgpack': null,
    'gateway-eio-min': null,
  };
  const variants: Variant[] = ['ws-raw', 'gateway-json', 'gateway-msgpack'];
  if (viewers >= DIAGNOSTIC_FROM) variants.push('gateway-eio-min');
  for (let round = 0; round < rounds; round++) {
    for (const variant of variants) {
      const m = await measure(variant, viewers);
      const kept = best[variant];
      best[variant] = kept === null ? m : bestOf(kept, m);
    }
  }
  return best;
}

/** Latency, delivery and server CPU of one gateway parser against the baseline. */
function gatewayRows(name: string, m: Measurement, raw: Measurement, viewers: number): BenchResult[] {
  const label = `${viewers} viewer${viewers === 1 ? '' : 's'}`;
  const p99Target = viewers === 100 ? '≤ 5 ms' : viewers === 500 ? '≤ 1.5x' : undefined;
  return [
    vsRaw(`${name} p50 latency, ${label}`, m.p50, raw.p50, 'ms'),
    vsRaw(`${name} p99 latency, ${label}`, m.p99, raw.p99, 'ms', { target: p99Target }),
    vsRaw(`${name} delivered, ${label}`, m.samplesPerSecond, raw.samplesPerSecond, 'samples/s', {
      notes: `expected ${viewers * RATE_HZ * SIMULATOR_CHANNELS.length}/s`,
    }),
    vsRaw(`${name} server CPU per message, ${label}`, m.cpuMicrosPerMessage, raw.cpuMicrosPerMessage, 'µs', {
      target: viewers === 500 ? '≤ 1.5x' : undefined,
      notes: `${m.messages} frames delivered`,
    }),
  ];
}

function diagnosticRows(d: Measurement, raw: Measurement, viewers: number): BenchResult[] {
  const label = `${viewers} viewer${viewers === 1 ? '' : 's'}`;
  const notes = 'diagnostic: gateway with minimal Engine.IO clients (ws + JSON.parse), not socket.io-client';
  return [
    vsRaw(`gateway-eio-min p50 latency, ${label}`, d.p50, raw.p50, 'ms', { notes }),
    vsRaw(`gateway-eio-min p99 latency, ${label}`, d.p99, raw.p99, 'ms', { notes }),
    vsRaw(`gateway-eio-min server CPU per message, ${label}`, d.cpuMicrosPerMessage, raw.cpuMicrosPerMessage, 'µs', {
      notes: `${d.messages} frames delivered`,
    }),
  ];
}

async function memoryRows(): Promise<BenchResult[]> {
  const idleRaw = await idleMemoryPerViewer('ws-raw');
  const idleGateway = await idleMemoryPerViewer('gateway-json');
  const pausedRaw = await pausedViewerMemory('ws-raw');
  const pausedGateway = await pausedViewerMemory('gateway-json');
  const MiB = 1024 * 1024;
  return [
    vsRaw(`memory per idle viewer (${IDLE_VIEWERS} subscribed)`, idleGateway / 1024, idleRaw / 1024, 'KiB'),
    vsRaw(
      'memory growth, one paused viewer, 6 s at ~3 MB/s',
      pausedGateway.growth / MiB,
      pausedRaw.growth / MiB,
      'MiB',
      {
        notes: 'gateway conflates at 512 KiB, evicts after 30 s or 4 MiB',
      },
    ),
    vsRaw('largest backlog held for the paused viewer', pausedGateway.backlog / 1024, pausedRaw.backlog / 1024, 'KiB'),
  ];
}

export async function run(): Promise<BenchResult[]> {
  const results: BenchResult[] = [];
  for (const viewers of VIEWER_COUNTS) {
    const best = await bestPerVariant(viewers);
    const raw = best['ws-raw'] as Measurement;
    results.push(
      ...gatewayRows('gateway-json', best['gateway-json'] as Measurement, raw, viewers),
      ...gatewayRows('gateway-msgpack', best['gateway-msgpack'] as Measurement, raw, viewers),
    );
    const diagnostic = best['gateway-eio-min'];
    if (diagnostic) results.push(...diagnosticRows(diagnostic, raw, viewers));
  }
  results.push(...(await memoryRows()));
  return results;
}
