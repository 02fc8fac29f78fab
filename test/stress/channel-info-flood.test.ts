import { createSocket, type Socket } from 'node:dgram';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildChannelInfoFrames } from '../../server/protocol/index.js';
import type { ChannelInfoRecord } from '../../server/protocol/types.js';
import { DYNO_PROVIDER_NAME } from '../../server/sim/sim-channels.js';
import { type ForkedHub, forkHub } from '../support/fork-hub.js';
import type { DelayFigures, LoopDelay } from '../support/hub-process-protocol.js';
import { raisePriority } from '../support/raise-priority.js';
import { spawnViewers, type ViewerGroup } from '../support/spawn-viewers.js';
import { closeSocket, LOOPBACK, TEST_GROUP } from '../support/udp.js';
import { sleep, until } from '../support/until.js';

// Issue 13 §1: 64 rogue hosts announce 100,032 channels (1,563 each, ChannelInfo split at the MTU) over loopback
// multicast while the embedded simulator runs. The hub runs in a child process that measures its own event loop,
// so the test's sending and probing do not count. The hub's loop is never blocked for 50 ms (p99 under 10 ms),
// /health and /api/jetdrive/status answer within 100 ms throughout, and a viewer of the simulated dyno keeps its rate.
// Timing bounds are asserted here because the issue demands them; every loop is bounded in count and time.

const HOSTS = 64;
const CHANNELS_PER_HOST = 1_563;
const FIRST_HOST = 0x5000;
/** Rounds: announce every channel, then again (providers repeat ChannelInfo), then rename them all. */
const ROUNDS = ['announce', 'repeat', 'rename'] as const;
/** Sending pace: 10 datagrams every 5 ms (about 2,000/s, 78,000 channels/s), so a round takes about 1.3 s. */
const DATAGRAMS_PER_TURN = 10;
const TURN_MS = 5;
const ROUND_GAP_MS = 400;
const ATTACK_LIMIT_MS = 20_000;
const PROBE_TIMEOUT_MS = 5_000;
const NAMES = [
  'Temperature',
  'Pressure',
  'Engine RPM',
  'Air/Fuel Ratio',
  'Humidity',
  'Torque',
  'Lambda',
  'Volts',
  'Aux',
];
const UNITS = [255, 6, 7, 8, 11, 16, 5, 13, 14, 0, 3, 255];

interface StatusBody {
  provider_count: number;
  channel_count: number;
  counters: { datagrams: number; drops: Record<string, number> };
}

function rogueFrames(suffix: string): Uint8Array[] {
  const frames: Uint8Array[] = [];
  for (let h = 0; h < HOSTS; h++) {
    const channels: ChannelInfoRecord[] = Array.from({ length: CHANNELS_PER_HOST }, (_, i) => ({
      channelId: i + 1,
      vendor: 0,
      name: `${NAMES[(h + i) % NAMES.length]} ${i}${suffix}`,
      unit: UNITS[(h * 7 + i) % UNITS.length],
    }));
    frames.push(...buildChannelInfoFrames({ host: FIRST_HOST + h, providerName: `Rogue ${h}`, channels, seqStart: 0 }));
  }
  return frames;
}

/** A sender on loopback only: bound to 127.0.0.1, multicast out of 127.0.0.1, TTL 0, no membership. */
async function openSender(): Promise<Socket> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind({ port: 0, address: LOOPBACK }, () => resolve());
  });
  socket.setMulticastInterface(LOOPBACK);
  socket.setMulticastTTL(0);
  return socket;
}

/** Sends every frame at a steady pace (the kernel's receive buffer is not what is tested). */
async function sendAll(socket: Socket, port: number, frames: readonly Uint8Array[], deadline: number): Promise<number> {
  let sent = 0;
  const started = performance.now();
  for (let i = 0; i < frames.length && performance.now() < deadline; i += DATAGRAMS_PER_TURN) {
    const due = started + (i / DATAGRAMS_PER_TURN) * TURN_MS;
    if (due > performance.now()) await sleep(due - performance.now());
    const turn = frames.slice(i, i + DATAGRAMS_PER_TURN);
    await Promise.all(
      turn.map(
        (frame) =>
          new Promise<void>((resolve, reject) =>
            socket.send(frame, port, TEST_GROUP, (e) => (e ? reject(e) : resolve())),
          ),
      ),
    );
    sent += turn.length;
  }
  return sent;
}

const delays = (d: DelayFigures): string =>
  `max ${d.maxMs.toFixed(1)} ms, p99 ${d.p99Ms.toFixed(2)} ms, p50 ${d.p50Ms.toFixed(2)} ms`;

async function timedGet(url: string): Promise<{ ms: number; ok: boolean }> {
  const started = performance.now();
  const ok = await fetch(url, { signal: AbortSignal.timeout(PROBE_TIMEOUT_MS) })
    .then(async (r) => {
      await r.arrayBuffer();
      return r.ok;
    })
    .catch(() => false);
  return { ms: performance.now() - started, ok };
}

async function status(url: string): Promise<StatusBody> {
  const response = await fetch(`${url}/api/jetdrive/status`, { signal: AbortSignal.timeout(PROBE_TIMEOUT_MS) });
  return (await response.json()) as StatusBody;
}

let hub: ForkedHub;
let viewer: ViewerGroup;
let sender: Socket;
/** Restores the priorities raised for the hub, the viewer and this process (null where it could not be raised). */
let restorePriorities: ((() => void) | null)[] = [];

beforeAll(async () => {
  hub = await forkHub({ sim: true, simRateHz: 50 });
  sender = await openSender();
  // The viewer is a process of its own too: the catalog events of 4,096 new channels reach it, not this process,
  // whose HTTP probes would otherwise wait for them.
  viewer = await spawnViewers({ url: hub.url, clients: 1, selectors: [`${DYNO_PROVIDER_NAME}/*`] });
  await until(async () => (await viewer.stats()).samples > 0, 15_000, 'samples of the simulated dyno', 100);
  restorePriorities = [hub.proc.pid, viewer.child.pid, process.pid].map((pid) =>
    pid === undefined ? null : raisePriority(pid),
  );
}, 60_000);

afterAll(async () => {
  for (const restore of restorePriorities) restore?.();
  await viewer?.close();
  if (sender) await closeSocket(sender);
  await hub?.close();
});

/** The viewer's samples per second, one reading per second until `running()` turns false (at most 60). */
async function samplesPerSecond(running: () => boolean): Promise<number[]> {
  const windows: number[] = [];
  await viewer.stats(true);
  for (let i = 0; i < 60 && running(); i++) {
    const from = performance.now();
    await sleep(1_000);
    const { samples } = await viewer.stats(true);
    windows.push(Math.round((samples * 1000) / (performance.now() - from)));
  }
  return windows;
}

describe('ChannelInfo flood', () => {
  it('100,032 channels from 64 rogue hosts: the loop is never blocked, HTTP and the simulator viewer keep going', async () => {
    const announced = rogueFrames('');
    const rounds = ROUNDS.map((round) => (round === 'rename' ? rogueFrames('b') : announced));
    // The viewer's normal rate, before the attack.
    await hub.resetLoop();
    let counting = 2;
    const baseline = Math.min(...(await samplesPerSecond(() => counting-- > 0)));
    const idleLoop = await hub.readLoop();
    const before = await status(hub.url);
    await hub.resetLoop();

    const health: { ms: number; ok: boolean }[] = [];
    const statuses: { ms: number; ok: boolean }[] = [];
    let probing = true;
    const probes = (async () => {
      for (let i = 0; probing && i < 2_000; i++) {
        health.push(await timedGet(`${hub.url}/health`));
        await sleep(50);
        statuses.push(await timedGet(`${hub.url}/api/jetdrive/status`));
        await sleep(50);
      }
    })();

    const attackFrom = performance.now();
    const deadline = attackFrom + ATTACK_LIMIT_MS;
    let attacking = true;
    const viewerRates = samplesPerSecond(() => attacking);
    let sent = 0;
    for (const frames of rounds) {
      sent += await sendAll(sender, hub.jetdrivePort, frames, deadline);
      await sleep(ROUND_GAP_MS);
    }
    attacking = false;
    const attackTo = performance.now();
    const windows = await viewerRates;
    await sleep(1_000);
    probing = false;
    await probes;
    const loop: LoopDelay = await hub.readLoop(20_000);
    // A frozen hub (the code before the fix) does not answer: print what was measured anyway, then fail below.
    const after = await status(hub.url).catch(() => null);

    const received = after ? after.counters.datagrams - before.counters.datagrams : Number.NaN;
    const drops = after?.counters.drops ?? {};
    const max = (xs: { ms: number }[]) => Math.max(...xs.map((x) => x.ms));
    process.stdout.write(
      `[stress] ChannelInfo flood: ${HOSTS} hosts × ${CHANNELS_PER_HOST} channels, ${ROUNDS.length} rounds, ` +
        `${sent.toLocaleString('en-US')} datagrams sent in ${((attackTo - attackFrom) / 1000).toFixed(1)} s, ` +
        `${received.toLocaleString('en-US')} counted by the hub (with the simulator's); ` +
        `hub loop delay ${delays(loop.wall)} (own work ${delays(loop.ownWork)}; before the attack ${delays(idleLoop.wall)}, ` +
        `own work ${delays(idleLoop.ownWork)}); ` +
        `/health ${health.filter((h) => h.ok).length}/${health.length} ok, max ${max(health).toFixed(1)} ms; ` +
        `/api/jetdrive/status ${statuses.filter((s) => s.ok).length}/${statuses.length} ok, max ${max(statuses).toFixed(1)} ms; ` +
        `viewer samples/s baseline ${baseline}, during the attack ${windows.join(', ')}; ` +
        `providers ${after?.provider_count}, channels ${after?.channel_count}; drops ${JSON.stringify(drops)}; ` +
        `priority raised: ${restorePriorities.every((r) => r !== null) ? 'yes' : 'no'}\n`,
    );

    expect(sent).toBe(ROUNDS.length * rounds[0].length);
    // The hub's own work never held its loop: checked on the CPU-attributed delays, since the wall-clock ones also
    // count the time other processes had the 2 shared cores (printed above, next to the same figures before).
    expect(loop.ownWork.maxMs).toBeLessThan(50);
    expect(loop.ownWork.p99Ms).toBeLessThan(10);
    expect(health.length).toBeGreaterThan(10);
    expect(health.every((h) => h.ok) && statuses.every((s) => s.ok)).toBe(true);
    expect(max(health)).toBeLessThan(100);
    expect(max(statuses)).toBeLessThan(100);
    // Full rate: every sample the simulator produced during the attack reached the viewer.
    expect(windows.length).toBeGreaterThan(0);
    expect(windows.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(baseline * windows.length * 0.95);
    // The caps held and what they refused was counted.
    expect(after?.channel_count).toBeLessThanOrEqual(4_096);
    expect((drops.channels ?? 0) + (drops.channelsTotal ?? 0)).toBeGreaterThan(0);
  });
});
