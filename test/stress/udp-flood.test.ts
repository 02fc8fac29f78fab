import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { DataFrame } from '@jetdrive-hub/client/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BlastRequest, BlastResult } from '../bench/ingest-sender.js';
import { command, connectViewer, startTestHub, type TestHub, type TestSocket } from '../support/start-test-hub.js';
import { sleep, until } from '../support/until.js';

// A UDP flood at twice the hub's measured ingest capacity for 10 s, from a child process (so sending does not share
// the hub's event loop): memory stays bounded, HTTP and a Socket.IO viewer keep answering throughout, and live
// data from the simulator flows again as soon as the flood stops. The flood is 1400-byte ChannelValues datagrams
// (140 samples each) from a provider the hub has never heard of, sent to the hub's group and port on loopback.

const SENDER = fileURLToPath(new URL('../bench/ingest-sender.ts', import.meta.url));
const GROUP = '224.0.2.10';
const FLOOD_MS = 10_000;
const TRIAL_MS = 300;
const PROBE_MS = 100;

let t: TestHub;
let sender: ChildProcess;
let viewer: TestSocket;

function startSender(): Promise<ChildProcess> {
  const child = fork(SENDER, [], { execArgv: ['--import', 'tsx/esm'], stdio: 'inherit' });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('message', () => resolve(child));
  });
}

function blast(rate: number, durationMs: number): Promise<BlastResult> {
  const request: BlastRequest = { type: 'blast', port: t.jetdrivePort, group: GROUP, rate, durationMs };
  return new Promise((resolve) => {
    sender.once('message', (m: BlastResult) => resolve(m));
    sender.send(request);
  });
}

const datagrams = () => t.hub.ingest.registry.stats().datagrams;

/** Waits until only the simulator's trickle (about 100 datagrams/s) still arrives: the kernel buffer is empty. */
async function drained(): Promise<number> {
  let last = datagrams();
  for (;;) {
    await sleep(60);
    const now = datagrams();
    if (now - last <= 20) return now;
    last = now;
  }
}

/** Highest rate (datagrams/s) on a ×1.4 ladder the hub takes without loss — the hub as it runs, viewers and all. */
async function measureCapacity(): Promise<number> {
  let capacity = 0;
  for (let rate = 10_000; rate <= 600_000; rate = Math.round(rate * 1.4)) {
    const before = await drained();
    const result = await blast(rate, TRIAL_MS);
    // The simulator's own datagrams arrive too: a few hundred per second, well below what counts as loss here.
    const received = (await drained()) - before;
    const achieved = (result.sent * 1000) / result.elapsedMs;
    if (received < result.sent * 0.995) break;
    capacity = achieved;
    if (achieved < 0.9 * rate) break; // the sender's limit, not the hub's
  }
  return capacity;
}

beforeAll(async () => {
  t = await startTestHub({ sim: true, simRateHz: 50 });
  sender = await startSender();
  viewer = await connectViewer(t.url);
  await until(
    async () => {
      const r = await command(viewer, 'channel:subscribe', { selectors: [{ quantity: 'rpm' }], maxHz: 50 });
      return r.ok;
    },
    10_000,
    'the simulator rpm channel',
    100,
  );
});

afterAll(async () => {
  sender?.send({ type: 'exit' });
  viewer?.close();
  await t?.close();
});

describe('UDP flood', () => {
  it('at twice the measured capacity for 10 s: bounded memory, viewers served throughout, immediate recovery', async () => {
    // Warm-up: JIT, and the hub learns the flood provider's 140 provisional channels.
    await blast(5_000, 200);
    await drained();
    const capacity = await measureCapacity();
    expect(capacity).toBeGreaterThan(0);

    const rpmFrames: number[] = [];
    viewer.on('stream:data', (_frame: DataFrame) => {
      rpmFrames.push(performance.now());
    });
    const http: { ms: number; ok: boolean }[] = [];
    const acks: number[] = [];
    const memory: { rss: number; heap: number }[] = [];
    let probing = true;
    const probes = (async () => {
      while (probing) {
        const started = performance.now();
        const ok = await fetch(`${t.url}/api/jetdrive/status`)
          .then((r) => r.ok)
          .catch(() => false);
        http.push({ ms: performance.now() - started, ok });
        const askedAt = performance.now();
        const catalog = await command(viewer, 'catalog:get');
        acks.push(catalog.ok ? performance.now() - askedAt : Number.POSITIVE_INFINITY);
        const m = process.memoryUsage();
        memory.push({ rss: m.rss, heap: m.heapUsed });
        await sleep(PROBE_MS);
      }
    })();

    const base = process.memoryUsage();
    const before = datagrams();
    const floodStart = performance.now();
    const result = await blast(Math.round(2 * capacity), FLOOD_MS);
    const floodEnd = performance.now();
    const achieved = (result.sent * 1000) / result.elapsedMs;
    const duringFlood = rpmFrames.filter((at) => at >= floodStart && at < floodEnd);
    const httpDuring = http.length;
    const ackDuring = acks.length;

    // Recovery: the backlog in the kernel buffer drains and the simulator's rpm frames arrive at the normal rate.
    const drainedCount = await drained();
    const drainMs = performance.now() - floodEnd;
    const firstAfter = await until(() => rpmFrames.find((at) => at > floodEnd), 2_000, 'rpm data after the flood', 1);
    await sleep(1_000);
    probing = false;
    await probes;
    const afterRate = rpmFrames.filter((at) => at > floodEnd + drainMs && at <= floodEnd + drainMs + 1_000).length;
    const received = drainedCount - before;
    const loss = 1 - received / result.sent;

    const peakRss = Math.max(...memory.map((m) => m.rss));
    const peakHeap = Math.max(...memory.map((m) => m.heap));
    const httpMax = Math.max(...http.map((h) => h.ms));
    const ackMax = Math.max(...acks);
    const windows = Array.from({ length: Math.floor(FLOOD_MS / 1000) }, (_, i) => {
      const from = floodStart + i * 1000;
      return duringFlood.filter((at) => at >= from && at < from + 1000).length;
    });
    process.stdout.write(
      `[stress] UDP flood: capacity ${Math.round(capacity).toLocaleString('en-US')} datagrams/s (${Math.round(capacity * 140).toLocaleString('en-US')} samples/s); ` +
        `flood ${Math.round(achieved).toLocaleString('en-US')}/s (${(achieved / capacity).toFixed(2)}x) for ${(result.elapsedMs / 1000).toFixed(1)} s, ` +
        `${result.sent.toLocaleString('en-US')} sent, loss ${(loss * 100).toFixed(1)} %; HTTP ${http.filter((h) => h.ok).length}/${http.length} ok, ` +
        `max ${httpMax.toFixed(0)} ms; catalog acks max ${ackMax.toFixed(0)} ms; rpm frames/s during flood min ${Math.min(...windows)}; ` +
        `RSS ${Math.round(base.rss / 2 ** 20)} → peak ${Math.round(peakRss / 2 ** 20)} MiB, heap ${Math.round(base.heapUsed / 2 ** 20)} → peak ${Math.round(peakHeap / 2 ** 20)} MiB; ` +
        `backlog drained ${drainMs.toFixed(0)} ms after, first rpm frame ${(firstAfter - floodEnd).toFixed(0)} ms after, ${afterRate} rpm frames in the next second\n`,
    );

    // The flood really overloaded the hub.
    expect(achieved).toBeGreaterThan(1.3 * capacity);
    expect(loss).toBeGreaterThan(0);
    // Served throughout: every probe answered, none slowly, and the viewer got data every second.
    expect(httpDuring).toBeGreaterThanOrEqual(FLOOD_MS / 1000);
    expect(ackDuring).toBeGreaterThanOrEqual(FLOOD_MS / 1000);
    expect(http.every((h) => h.ok)).toBe(true);
    expect(httpMax).toBeLessThan(1_000);
    expect(ackMax).toBeLessThan(1_000);
    expect(Math.min(...windows)).toBeGreaterThan(0);
    // Bounded: the kernel buffer absorbs the excess; nothing in the hub grows with the flood.
    expect(peakHeap - base.heapUsed).toBeLessThan(64 * 2 ** 20);
    expect(peakRss - base.rss).toBeLessThan(128 * 2 ** 20);
    // Recovers at once: the backlog is gone within half a second and rpm flows at its normal rate (50 Hz).
    expect(drainMs).toBeLessThan(500);
    expect(afterRate).toBeGreaterThanOrEqual(40);
  });
});
