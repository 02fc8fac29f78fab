import type { RunEndedEvent } from '@jetdrive-hub/client/contract';
import { afterAll, describe, expect, it } from 'vitest';
import { connectViewer, startTestHub, type TestHub, type TestSocket } from '../support/start-test-hub.js';
import { until } from '../support/until.js';

// Pulls one after another on the simulated dyno, each recorded as its own full run. Two real pulls take ~40 s, so
// this lives with the stress tests. Found on a hub left running: every run after the third lasted 0.1 s.

/** Longer than a sportbike_600 run (~14 s), and run 1's start + max + post-roll inside run 2 (~24 s on). */
const MAX_DURATION_S = 28;

let hub: TestHub | null = null;
let socket: TestSocket | null = null;

afterAll(async () => {
  socket?.close();
  await hub?.close();
});

describe('run capture, pull after pull', () => {
  it("back-to-back pulls: each run lasts its own pull (an earlier run's max-duration timer never ends a later one)", async () => {
    // The bound is chosen so that the first run's max-duration moment (start + max + post-roll) falls inside the
    // second pull: a timer left running from run 1 cut run 2 short (every pull after the third lasted 0.1 s).
    hub = await startTestHub(
      { runPostRollS: 0.5, runMaxDurationS: MAX_DURATION_S, simProfile: 'sportbike_600', runPreRollS: 0.5 },
      { dashboard: false, simulator: { infoIntervalMs: 500, seed: 7, autoPull: false } },
    );
    socket = await connectViewer(hub.url);
    const ended: RunEndedEvent[] = [];
    socket.on('run:ended', (e) => ended.push(e));
    await until(() => hub?.hub.ingest.registry.channelCount() ?? 0 > 10, 5000, 'simulator channels');
    const pulledAt: number[] = [];
    for (let n = 1; n <= 2; n++) {
      // The simulator takes a pull once it is idle again (after decel and cooldown).
      await until(() => hub?.hub.simulator?.pull().ok === true, 30_000, `pull ${n} taken`, 50);
      pulledAt.push(Date.now());
      await until(() => ended.length === n, 40_000, `run ${n} ended`);
    }
    const runs = ended.map((e) => e.run);
    process.stdout.write(
      `[runs] back to back: ${runs.map((r, i) => `${r.durationS} s (${r.endReason}, pulled at +${((pulledAt[i] - pulledAt[0]) / 1000).toFixed(1)} s)`).join(', ')}\n`,
    );
    for (const run of runs) expect(run.endReason).toMatch(/throttle_closed|decel/);
    const [first, second] = runs.map((r) => r.durationS ?? 0);
    expect(first).toBeGreaterThan(3);
    expect(second).toBeGreaterThan(first * 0.8);
  }, 90_000);
});
