import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gc } from '../support/gc.js';
import { command, connectViewer, startTestHub, type TestHub } from '../support/start-test-hub.js';
import { sleep, until } from '../support/until.js';

// 10,000 Socket.IO connect / subscribe / disconnect cycles against a whole hub (simulator running, so the
// subscriptions carry data): afterwards viewers, subscriptions, stream rooms and timers are back where they
// started, and the heap after GC is within 10 % of the baseline taken after a warm-up.

const CYCLES = 10_000;
const CONCURRENCY = 25;
/** The registry's history rings fill for 10 s after start; the baseline is taken once they are full. */
const RINGS_FULL_MS = 11_000;

async function settledHeap(): Promise<number> {
  await sleep(200);
  gc();
  await sleep(50);
  gc();
  return process.memoryUsage().heapUsed;
}

function timers(): number {
  return process.getActiveResourcesInfo().filter((r) => r === 'Timeout' || r === 'Immediate').length;
}

let t: TestHub;
let startedAt = 0;
beforeAll(async () => {
  startedAt = performance.now();
  t = await startTestHub({ sim: true, simRateHz: 50, maxViewers: 1_000 });
});
afterAll(async () => {
  await t?.close();
});

async function cycle(i: number): Promise<void> {
  const socket = await connectViewer(t.url);
  try {
    const selectors = i % 3 === 0 ? ['*'] : i % 3 === 1 ? [{ quantity: 'rpm' }] : [`Channel ${i % 50}`];
    const subscribed = await command(socket, 'channel:subscribe', { selectors, maxHz: 1 + (i % 20) });
    if (!subscribed.ok) throw new Error(`cycle ${i}: ${subscribed.error.message}`);
    if (i % 10 === 0) await command(socket, 'session:list');
  } finally {
    socket.close();
  }
}

async function run(count: number, offset: number): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < count) await cycle(offset + next++);
    }),
  );
}

const gateway = () => {
  const g = t.hub.gateway();
  if (!g) throw new Error('no gateway');
  return g;
};

async function idle(): Promise<void> {
  await until(() => gateway().stats().viewers === 0, 10_000, 'every viewer to be gone', 20);
}

describe('connection churn', () => {
  it(`${CYCLES.toLocaleString('en-US')} connect/disconnect cycles leave nothing behind`, async () => {
    // Warm-up: JIT, pools, and the rings reaching their bound.
    let warm = 0;
    while (warm < 500 || performance.now() - startedAt < RINGS_FULL_MS) {
      await run(100, warm);
      warm += 100;
    }
    await idle();
    const baseTimers = timers();
    const baseHeap = await settledHeap();

    const started = performance.now();
    await run(CYCLES, warm);
    const elapsed = performance.now() - started;
    await idle();
    const io = gateway().io;
    await until(() => io.of('/').adapter.rooms.size === 0, 5_000, 'every room to be gone', 20);
    const stats = gateway().stats();
    const heap = await settledHeap();
    const endTimers = timers();
    const growth = (heap - baseHeap) / baseHeap;
    process.stdout.write(
      `[stress] churn: ${CYCLES.toLocaleString('en-US')} connect/subscribe/disconnect cycles in ${(elapsed / 1000).toFixed(1)} s ` +
        `(${Math.round(CYCLES / (elapsed / 1000))}/s, ${CONCURRENCY} at a time); after: viewers ${stats.viewers}, subscriptions ${stats.subscriptions}, ` +
        `stream rooms ${stats.rooms}, rooms ${io.of('/').adapter.rooms.size}, timers ${baseTimers} → ${endTimers}; ` +
        `heap after GC ${(baseHeap / 2 ** 20).toFixed(1)} → ${(heap / 2 ** 20).toFixed(1)} MiB (${(growth * 100).toFixed(1)} %)\n`,
    );

    expect(stats.viewers).toBe(0);
    expect(stats.subscriptions).toBe(0);
    expect(stats.rooms).toBe(0);
    expect(io.of('/').sockets.size).toBe(0);
    expect(io.engine.clientsCount).toBe(0);
    expect(endTimers).toBeLessThanOrEqual(baseTimers);
    expect(Math.abs(growth)).toBeLessThan(0.1);
  });
});
