import { afterEach, describe, expect, it } from 'vitest';
import type { DataFrame } from '@jetdrive-hub/client/contract';
import type { RealtimeOptions } from '../../server/realtime/index.js';
import { createRegistryDriver, type RegistryDriver } from '../support/registry-driver.js';
import { type GatewayFixture, startGateway, subscribeOk } from '../support/realtime-fixture.js';
import { spawnViewers, type ViewerGroup } from '../support/spawn-viewers.js';
import { until } from '../support/until.js';

// A viewer process stopped with SIGSTOP stops reading its socket for real. The kernel buffers a few MB first, so
// these tests push large frames (400 channels per datagram) to reach the user-space backlog quickly.

const PROVIDER = 0x43fd;
const CHANNELS = 400;
const LIMIT = 256 * 1024;

function setup(): RegistryDriver {
  const registry = createRegistryDriver({ ringSize: 10 });
  registry.addProvider(PROVIDER, 'Power Core');
  for (let id = 1; id <= CHANNELS; id++)
    registry.addChannel({ providerId: PROVIDER, channelId: id, name: `Channel ${id}` });
  return registry;
}

/** The backlog bound under test; a viewer over it this long is disconnected. */
function backlogOptions(stuckAfterMs: number): Partial<RealtimeOptions> {
  return { backlogLimitBytes: LIMIT, resumeBacklogBytes: 32 * 1024, stuckAfterMs, backlogCheckMs: 20 };
}

function startPump(registry: RegistryDriver): { stop(): void; pushed(): number } {
  let pushed = 0;
  const values = Array.from({ length: CHANNELS }, (_, i) => [i + 1, 0] as [number, number]);
  const timer = setInterval(() => {
    for (let burst = 0; burst < 2; burst++) {
      pushed++;
      for (const value of values) value[1] = pushed + value[0] / 1000;
      registry.push(PROVIDER, values);
    }
  }, 2);
  return { stop: () => clearInterval(timer), pushed: () => pushed };
}

describe('slow viewers', () => {
  let fixture: GatewayFixture | undefined;
  let viewers: ViewerGroup | undefined;

  afterEach(async () => {
    await viewers?.close();
    await fixture?.close();
    viewers = undefined;
    fixture = undefined;
  });

  it('keeps a paused viewer within the backlog bound, does not delay the others, then disconnects it', async () => {
    const registry = setup();
    fixture = await startGateway(registry, backlogOptions(1_500));
    const healthy = await fixture.connect();
    await subscribeOk(healthy, { selectors: ['Channel *'] });
    let healthySamples = 0;
    let worstLatency = 0;
    healthy.on('stream:data', (frame: DataFrame) => {
      healthySamples += (frame.length - 3) / 4;
      worstLatency = Math.max(worstLatency, Date.now() - frame[1]);
    });
    viewers = await spawnViewers({ url: fixture.url, clients: 1, selectors: ['Channel *'] });
    viewers.pause();
    const pump = startPump(registry);
    try {
      await until(() => fixture?.gateway.stats().laggingEvents === 1, 20_000, 'the paused viewer to be marked lagging');
      const laggingAt = Date.now();
      await until(() => fixture?.gateway.stats().disconnectedSlow === 1, 10_000, 'the stuck viewer to be disconnected');
      expect(Date.now() - laggingAt).toBeGreaterThanOrEqual(1_400);
    } finally {
      pump.stop();
    }
    const stats = fixture.gateway.stats();
    // One check interval (20 ms) of traffic at ~3 MB/s on top of the limit, plus one frame.
    expect(stats.maxBacklogSeen).toBeLessThan(LIMIT + 160 * 1024);
    expect(stats.droppedFrames).toBeGreaterThan(0);
    expect(stats.viewers).toBe(1);
    await until(() => healthySamples === pump.pushed() * CHANNELS, 5_000, 'the healthy viewer to receive every sample');
    expect(worstLatency).toBeLessThan(500);
  });

  it('conflates a viewer that falls behind and tells it, then resumes normal delivery', async () => {
    const registry = setup();
    fixture = await startGateway(registry, backlogOptions(30_000));
    viewers = await spawnViewers({ url: fixture.url, clients: 1, selectors: ['Channel *'] });
    viewers.pause();
    const pump = startPump(registry);
    try {
      await until(() => fixture?.gateway.stats().laggingEvents === 1, 20_000, 'the viewer to be marked lagging');
      // Out of its room: frames it does not get are counted before it resumes.
      const dropped = fixture.gateway.stats().droppedFrames;
      await until(() => (fixture?.gateway.stats().droppedFrames ?? 0) > dropped, 5_000, 'frames held back from it');
      viewers.resume();
      await until(() => fixture?.gateway.stats().recoveredEvents === 1, 10_000, 'the viewer to catch up');
    } finally {
      pump.stop();
    }
    await until(() => viewers?.events.length === 2, 5_000, 'both lagging notices to arrive');
    expect(viewers.events.map((event) => (event.detail as { lagging: boolean }).lagging)).toEqual([true, false]);
    const stats = fixture.gateway.stats();
    expect(stats.conflatedFrames).toBeGreaterThanOrEqual(1);
    expect(stats.laggingViewers).toBe(0);
    expect(stats.disconnectedSlow).toBe(0);
    // Back in the room: new frames arrive again.
    const before = (await viewers.stats()).frames;
    registry.push(PROVIDER, [[1, 1]]);
    await until(async () => (await viewers?.stats())?.frames === before + 1, 5_000, 'the next frame');
    expect(fixture.gateway.stats().framesBroadcast).toBeGreaterThan(0);
  });
});
