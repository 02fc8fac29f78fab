import { afterEach, describe, expect, it } from 'vitest';
import type { Ingest } from '../../server/ingest/create-ingest.js';
import { createSimulatedDyno, type SimulatedDyno, type SimulatedDynoOptions } from '../../server/sim/simulated-dyno.js';
import { startLoopbackIngest } from '../support/start-loopback-ingest.js';
import { sleep, until } from '../support/until.js';

// The hub's real ingest (socket → JetDrive node → registry) observing the simulator over loopback multicast.

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()?.();
});

async function hubAndSim(simOptions: SimulatedDynoOptions = {}) {
  const { ingest, port, events } = await startLoopbackIngest({ node: { offlineAfterMs: 5000 } });
  cleanups.push(() => ingest.stop());
  const sim: SimulatedDyno = createSimulatedDyno({ port, seed: 21, autoPull: false, ...simOptions });
  cleanups.push(() => sim.stop());
  await sim.start();
  const [dyno, probe] = sim.status().providers;
  return { ingest, sim, events, dyno, probe };
}

const named = (ingest: Ingest) => ingest.registry.catalog().channels.filter((c) => !c.provisional);

describe('hub ingest observing the simulated dyno', () => {
  it('sees both providers with the right catalog, units and values, and syncs their clocks', async () => {
    const { ingest, dyno, probe } = await hubAndSim();
    await until(() => named(ingest).length === 19, 3000, 'all 19 channels named');
    const cat = ingest.registry.catalog();
    expect(cat.providers.map((p) => [p.hostId, p.name]).sort()).toEqual(
      [
        [dyno.hostId, 'Simulated Dyno'],
        [probe.hostId, 'Atmospheric Probe'],
      ].sort(),
    );
    const byKey = (host: number, id: number) => ingest.registry.getChannel(`${host}:${id}`);
    expect(
      [1, 3, 4, 5, 6, 7, 8, 10, 11, 12, 13, 15, 16].map((id) => [
        byKey(dyno.hostId, id)?.name,
        byKey(dyno.hostId, id)?.unitLabel,
      ]),
    ).toEqual([
      ['Digital RPM 1', 'RPM'],
      ['Force Drum 1', 'N'],
      ['Power', 'kW'],
      ['Torque', 'N·m'],
      ['Speed', 'km/h'],
      ['Acceleration', '(km/h)/s'],
      ['Air/Fuel Ratio 1', 'AFR'],
      ['Lambda 1', 'λ'],
      ['MAP', 'kPa'],
      ['TPS', '%'],
      ['Engine Temp', '°C'],
      ['VBatt', 'V'],
      ['Correction Factor', ''],
    ]);
    // Overlapping ids, distinct channels: (host, id) is the identity.
    expect(byKey(probe.hostId, 1)?.name).toBe('Humidity');
    expect(byKey(probe.hostId, 2)?.unitLabel).toBe('kPa');
    expect(byKey(dyno.hostId, 1)?.name).toBe('Digital RPM 1');
    await until(() => (byKey(probe.hostId, 2)?.lastValue ?? 0) > 0, 2000, 'probe pressure value');
    expect(byKey(dyno.hostId, 1)?.lastValue).toBeGreaterThan(850);
    expect(byKey(dyno.hostId, 1)?.lastValue).toBeLessThan(950);
    expect(byKey(probe.hostId, 2)?.lastValue).toBeCloseTo(101.3, 0);
    expect(byKey(probe.hostId, 3)?.lastValue).toBeCloseTo(25, 0);
    expect(byKey(dyno.hostId, 16)?.lastValue).toBeCloseTo(0.991, 2);
    await until(
      () => ingest.registry.catalog().providers.every((p) => p.clock.synced),
      3000,
      'clock sync via Ping/Pong',
    );
    const seq = ingest.registry.catalog().providers.find((p) => p.hostId === dyno.hostId)?.seq;
    expect(seq?.dropped).toBe(0);
    expect(seq?.outOfOrder).toBe(0);
  });

  it('injected drops, duplicates and reorders show in the hub sequence counters', async () => {
    const { ingest, sim, dyno } = await hubAndSim({
      rateHz: 200,
      faults: { dropPct: 10, duplicatePct: 5, reorderPct: 5 },
    });
    await until(() => named(ingest).length === 19, 3000, 'catalog');
    await sleep(1000);
    const faults = sim.stats().faults;
    const seq = ingest.registry.catalog().providers.find((p) => p.hostId === dyno.hostId)?.seq;
    expect(faults.dropped).toBeGreaterThan(5);
    expect(seq?.dropped).toBeGreaterThan(5);
    expect(seq?.duplicates).toBeGreaterThan(0);
    expect(seq?.outOfOrder).toBeGreaterThan(0);
  });

  it('the hub counts exactly the datagrams the simulator dropped (bar any at the very end)', async () => {
    const { ingest, sim } = await hubAndSim({ rateHz: 200, faults: { dropPct: 20 } });
    await until(() => named(ingest).length === 19, 3000, 'catalog');
    await sleep(600);
    const dropped = sim.stats().faults.dropped;
    await sim.stop();
    await sleep(100);
    const seen = ingest.registry.catalog().providers.reduce((n, p) => n + p.seq.dropped, 0);
    expect(dropped).toBeGreaterThan(10);
    expect(seen).toBeLessThanOrEqual(dropped);
    expect(seen).toBeGreaterThanOrEqual(dropped - 3);
  });

  it('a late start (values before info) is recovered through RequestChannelInfo', async () => {
    const { ingest, sim, dyno, events } = await hubAndSim({ faults: { lateInfoMs: 60_000 } });
    await until(() => ingest.registry.getChannel(`${dyno.hostId}:1`) !== undefined, 3000, 'provisional channel');
    await until(() => named(ingest).length === 19, 3000, 'named after RequestChannelInfo');
    expect(sim.stats().infoRequestsAnswered).toBeGreaterThanOrEqual(1);
    expect(ingest.registry.getChannel(`${dyno.hostId}:1`)?.name).toBe('Digital RPM 1');
    expect(events.some((e) => e.type === 'channel:renamed' && e.previousName === 'Channel 1')).toBe(true);
  });

  it('a stop clears the providers in the hub; a restart appears as a new host', async () => {
    const { ingest, sim, dyno, events } = await hubAndSim();
    await until(() => named(ingest).length === 19, 3000, 'catalog');
    sim.restartProvider('dyno');
    const [after] = sim.status().providers;
    await until(
      () => ingest.registry.catalog().channels.some((c) => c.providerId === after.hostId && !c.provisional),
      3000,
      'restarted provider catalogued',
    );
    expect(events.some((e) => e.type === 'provider:cleared' && e.provider.hostId === dyno.hostId)).toBe(true);
    await sim.stop();
    await until(
      () => events.some((e) => e.type === 'provider:cleared' && e.provider.hostId === after.hostId),
      3000,
      'ClearChannelInfo on stop',
    );
  });
});
