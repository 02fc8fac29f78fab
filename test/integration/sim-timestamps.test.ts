import { afterEach, describe, expect, it } from 'vitest';
import { decodeFrame } from '../../server/protocol/index.js';
import { createSimulatedDyno } from '../../server/sim/simulated-dyno.js';
import { closeSocket, freeUdpPort, openLoopbackMulticast } from '../support/udp.js';
import { until } from '../support/until.js';

// A real provider stamps each sample when it was taken. When the simulator's timer fires late it catches up with
// several ticks at once; each must still carry start + tick × period, never a repeated time.

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()?.();
});

/** Holds the event loop for `ms`: the simulator's interval, in this process, fires that late. */
function stall(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    // busy: this is the delay under test
  }
}

describe('simulator sample timestamps', () => {
  it('are start + tick × period exactly, with no repeats, while a stalled timer catches up', async () => {
    const port = await freeUdpPort();
    const socket = await openLoopbackMulticast(port);
    cleanups.push(() => closeSocket(socket));
    const sim = createSimulatedDyno({ port, seed: 5, autoPull: false, rateHz: 50 });
    cleanups.push(() => sim.stop());
    await sim.start();
    const dynoHost = sim.status().providers[0]?.hostId;
    const frames: { ts: number; at: number }[] = [];
    let mixed = 0;
    socket.on('message', (bytes) => {
      const f = decodeFrame(bytes);
      if (f.type === 'ChannelValues' && f.host === dynoHost && f.samples.length > 0) {
        const ts = f.samples[0]?.ts ?? -1;
        if (!f.samples.every((s) => s.ts === ts)) mixed++;
        frames.push({ ts, at: performance.now() });
      }
    });
    // Every 100 ms the loop is held 70 ms: 3–4 ticks fall due at once, as on a busy machine.
    const staller = setInterval(() => stall(70), 100);
    cleanups.push(() => clearInterval(staller));
    await until(() => frames.length >= 301, 20_000, '301 dyno frames');
    clearInterval(staller);

    const steps = frames.slice(1, 301).map((f, i) => f.ts - (frames[i]?.ts ?? 0));
    const histogram = new Map<number, number>();
    for (const s of steps) histogram.set(s, (histogram.get(s) ?? 0) + 1);
    expect(Object.fromEntries(histogram)).toEqual({ 20: 300 });
    expect((frames[0]?.ts ?? 1) % 20).toBe(0);
    expect(mixed).toBe(0);
    // The stall really bunched the sends: many frames arrived within 2 ms of the one before.
    const bunched = frames.slice(1, 301).filter((f, i) => f.at - (frames[i]?.at ?? 0) < 2).length;
    expect(bunched).toBeGreaterThan(50);
  });

  it('go out when they are stamped (the timer aims at each due time)', async () => {
    const port = await freeUdpPort();
    const socket = await openLoopbackMulticast(port);
    cleanups.push(() => closeSocket(socket));
    const sim = createSimulatedDyno({ port, seed: 6, autoPull: false, rateHz: 50 });
    cleanups.push(() => sim.stop());
    await sim.start();
    const dynoHost = sim.status().providers[0]?.hostId;
    const frames: { ts: number; at: number }[] = [];
    socket.on('message', (bytes) => {
      const f = decodeFrame(bytes);
      if (f.type === 'ChannelValues' && f.host === dynoHost && f.samples.length > 0)
        frames.push({ ts: f.samples[0]?.ts ?? 0, at: performance.now() });
    });
    await until(() => frames.length >= 150, 20_000, '150 dyno frames');
    // Each frame's arrival against its stamp, relative to the earliest (the clocks' offset cancels): a fixed
    // interval drifted through the 20 ms period (median ~9 ms late); aimed timers stay within a few ms.
    const late = frames.slice(0, 150).map((f) => f.at - f.ts);
    const earliest = Math.min(...late);
    const spread = late.map((l) => l - earliest).sort((a, b) => a - b);
    expect(spread[75]).toBeLessThan(5);
  });
});
