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

/** A 50 Hz simulator on a fresh loopback port, and every dyno ChannelValues frame heard (first sample's ts, arrival). */
async function dynoFrames(seed: number): Promise<{ ts: number; at: number; mixed: boolean }[]> {
  const port = await freeUdpPort();
  const socket = await openLoopbackMulticast(port);
  cleanups.push(() => closeSocket(socket));
  const sim = createSimulatedDyno({ port, seed, autoPull: false, rateHz: 50 });
  cleanups.push(() => sim.stop());
  await sim.start();
  const dynoHost = sim.status().providers[0]?.hostId;
  const frames: { ts: number; at: number; mixed: boolean }[] = [];
  socket.on('message', (bytes) => {
    const f = decodeFrame(bytes);
    if (f.type !== 'ChannelValues' || f.host !== dynoHost || f.samples.length === 0) return;
    const ts = f.samples[0]?.ts ?? -1;
    frames.push({ ts, at: performance.now(), mixed: !f.samples.every((x) => x.ts === ts) });
  });
  return frames;
}

describe('simulator sample timestamps', () => {
  it('are start + tick × period exactly, with no repeats, while a stalled timer catches up', async () => {
    const frames = await dynoFrames(5);
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
    expect(frames.filter((f) => f.mixed)).toEqual([]);
    // The stall really bunched the sends: many frames arrived within 2 ms of the one before.
    const bunched = frames.slice(1, 301).filter((f, i) => f.at - (frames[i]?.at ?? 0) < 2).length;
    expect(bunched).toBeGreaterThan(50);
  });

  it('go out when they are stamped (the timer aims at each due time)', async () => {
    const frames = await dynoFrames(6);
    await until(() => frames.length >= 150, 20_000, '150 dyno frames');
    // Each frame's arrival against its stamp, relative to the earliest (the clocks' offset cancels): a fixed
    // interval drifted through the 20 ms period (median ~9 ms late); aimed timers stay within a few ms.
    const late = frames.slice(0, 150).map((f) => f.at - f.ts);
    const earliest = Math.min(...late);
    const spread = late.map((l) => l - earliest).sort((a, b) => a - b);
    expect(spread[75]).toBeLessThan(5);
  });
});
