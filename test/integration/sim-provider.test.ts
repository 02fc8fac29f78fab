import dgram from 'node:dgram';
import { afterEach, describe, expect, it } from 'vitest';
import { ALL_HOSTS, type DecodedFrame, decodeFrame, encodeFrame } from '../../server/protocol/index.js';
import { DYNO_CHANNELS, PROBE_CHANNELS } from '../../server/sim/sim-channels.js';
import { createSimulatedDyno, type SimulatedDyno, type SimulatedDynoOptions } from '../../server/sim/simulated-dyno.js';

const GROUP = '224.0.2.10';
const IFACE = '127.0.0.1';
const LISTENER_HOST = 0x1234;

interface Heard {
  frame: DecodedFrame;
  at: number;
}

/** A raw JetDrive listener on loopback that queues every decoded frame, and can send as host 0x1234. */
async function openListener(port: number) {
  const socket = dgram.createSocket({ type: 'udp4', reuseAddr: true });
  const heard: Heard[] = [];
  const waiters: { pred: (h: Heard) => boolean; resolve: (h: Heard) => void }[] = [];
  socket.on('message', (msg) => {
    const h = { frame: decodeFrame(msg), at: Date.now() };
    if (h.frame.host === LISTENER_HOST) return;
    heard.push(h);
    for (const w of waiters.splice(0)) {
      if (w.pred(h)) w.resolve(h);
      else waiters.push(w);
    }
  });
  await new Promise<void>((resolve) => socket.bind(port, resolve));
  socket.addMembership(GROUP, IFACE);
  socket.setMulticastInterface(IFACE);
  socket.setMulticastTTL(0);
  socket.setMulticastLoopback(true);
  let seq = 0;
  return {
    heard,
    /** The first frame (already heard or coming) matching pred. */
    next(pred: (h: Heard) => boolean, timeoutMs = 3000): Promise<Heard> {
      const seen = heard.find(pred);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`no matching frame within ${timeoutMs} ms`)), timeoutMs);
        waiters.push({
          pred,
          resolve: (h) => {
            clearTimeout(t);
            resolve(h);
          },
        });
      });
    },
    send(frame: Parameters<typeof encodeFrame>[0]): void {
      socket.send(encodeFrame({ ...frame, host: LISTENER_HOST, seq: seq++ & 0xff }), port, GROUP);
    },
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}

type Listener = Awaited<ReturnType<typeof openListener>>;

const randomPort = () => 30000 + Math.floor(Math.random() * 25000);
const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

let cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.reverse()) await c();
  cleanups = [];
});

async function setup(
  opts: SimulatedDynoOptions = {},
): Promise<{ sim: SimulatedDyno; listener: Listener; port: number }> {
  const port = randomPort();
  const listener = await openListener(port);
  cleanups.push(listener.close);
  const sim = createSimulatedDyno({ port, group: GROUP, iface: IFACE, seed: 7, autoPull: false, ...opts });
  cleanups.push(() => sim.stop());
  await sim.start();
  return { sim, listener, port };
}

const isType =
  <T extends DecodedFrame['type']>(type: T, host?: number) =>
  (h: Heard): boolean =>
    h.frame.type === type && (host === undefined || h.frame.host === host);

function valuesOf(listener: Listener, host: number): Extract<DecodedFrame, { type: 'ChannelValues' }>[] {
  return listener.heard
    .map((h) => h.frame)
    .filter(
      (f): f is Extract<DecodedFrame, { type: 'ChannelValues' }> => f.type === 'ChannelValues' && f.host === host,
    );
}

describe('simulated dyno as a JetDrive provider on loopback', () => {
  it('announces both providers with Power Core names and JetDrive units, ids overlapping', async () => {
    const { sim, listener } = await setup();
    const [dyno, probe] = sim.status().providers;
    expect(dyno.hostId).not.toBe(probe.hostId);
    for (const id of [dyno.hostId, probe.hostId]) {
      expect(id).toBeGreaterThan(0);
      expect(id).toBeLessThan(0xffff);
    }
    const dynoInfo = (await listener.next(isType('ChannelInfo', dyno.hostId))).frame;
    const probeInfo = (await listener.next(isType('ChannelInfo', probe.hostId))).frame;
    if (dynoInfo.type !== 'ChannelInfo' || probeInfo.type !== 'ChannelInfo') throw new Error('not ChannelInfo');
    expect(dynoInfo.providerName).toBe('Simulated Dyno');
    expect(dynoInfo.destination).toBe(ALL_HOSTS);
    expect(dynoInfo.channels.map((c) => [c.name, c.unit])).toEqual([
      ['Digital RPM 1', 8],
      ['Digital RPM 2', 8],
      ['Force Drum 1', 3],
      ['Power', 4],
      ['Torque', 5],
      ['Speed', 2],
      ['Acceleration', 10],
      ['Air/Fuel Ratio 1', 11],
      ['Air/Fuel Ratio 2', 11],
      ['Lambda 1', 13],
      ['MAP', 7],
      ['TPS', 16],
      ['Engine Temp', 6],
      ['IAT', 6],
      ['VBatt', 14],
      ['Correction Factor', 255],
    ]);
    expect(probeInfo.providerName).toBe('Atmospheric Probe');
    expect(probeInfo.channels.map((c) => [c.channelId, c.name, c.unit])).toEqual([
      [1, 'Humidity', 16],
      [2, 'Pressure', 7],
      [3, 'Temperature 1', 6],
    ]);
    // Channel ids overlap across the two providers on purpose.
    expect(dynoInfo.channels.map((c) => c.channelId)).toEqual(expect.arrayContaining([1, 2, 3]));
  });

  it('sends ChannelValues at the configured rate, all channels per datagram, seq +1 each, u32 ms clock', async () => {
    const { sim, listener } = await setup({ rateHz: 100, probeRateHz: 10 });
    const [dyno, probe] = sim.status().providers;
    await listener.next(isType('ChannelValues', dyno.hostId));
    const t0 = Date.now();
    const before = valuesOf(listener, dyno.hostId).length;
    const probeBefore = valuesOf(listener, probe.hostId).length;
    await wait(1000);
    const elapsed = (Date.now() - t0) / 1000;
    const vals = valuesOf(listener, dyno.hostId);
    const rate = (vals.length - before) / elapsed;
    expect(rate).toBeGreaterThan(85);
    expect(rate).toBeLessThan(115);
    const probeRate = (valuesOf(listener, probe.hostId).length - probeBefore) / elapsed;
    expect(probeRate).toBeGreaterThan(7);
    expect(probeRate).toBeLessThan(13);
    for (const v of vals) expect(v.samples.map((s) => s.channelId)).toEqual(DYNO_CHANNELS.map((c) => c.id));
    // Values follow their ChannelInfo (no faults): seq continues +1 mod 256 across message types.
    const seqs = listener.heard.filter((h) => h.frame.host === dyno.hostId).map((h) => h.frame.seq);
    for (let i = 1; i < seqs.length; i++) expect(seqs[i]).toBe((seqs[i - 1] + 1) & 0xff);
    const ts = vals.map((v) => v.samples[0].ts);
    for (let i = 1; i < ts.length; i++) expect(ts[i]).toBeGreaterThanOrEqual(ts[i - 1]);
    expect(ts[ts.length - 1] - ts[0]).toBeGreaterThan(800);
    // Idle values are plausible: ~900 rpm, MAP 25–45 kPa, AFR 12–16, standard-day correction factor.
    const last = new Map(vals[vals.length - 1].samples.map((s) => [s.channelId, s.value]));
    expect(last.get(1)).toBeGreaterThan(850);
    expect(last.get(1)).toBeLessThan(950);
    expect(last.get(11)).toBeGreaterThan(25);
    expect(last.get(11)).toBeLessThan(45);
    expect(last.get(8)).toBeGreaterThan(12);
    expect(last.get(8)).toBeLessThan(16);
    expect(last.get(16)).toBeCloseTo(0.991, 2);
    const probeLast = valuesOf(listener, probe.hostId).at(-1);
    expect(probeLast?.samples.map((s) => s.channelId)).toEqual(PROBE_CHANNELS.map((c) => c.id));
    expect(probeLast?.samples[1].value).toBeCloseTo(101.3, 0);
  });

  it('answers a Ping with a Pong to the pinger only, and RequestChannelInfo with ChannelInfo', async () => {
    const { sim, listener } = await setup();
    const [dyno, probe] = sim.status().providers;
    await listener.next(isType('ChannelInfo', dyno.hostId));
    listener.send({
      type: 'Ping',
      key: 0x04,
      host: 0,
      seq: 0,
      destination: dyno.hostId,
      version: 1,
      hostTs: 123456,
      echo: new Uint8Array([9, 8, 7]),
    });
    const pong = (await listener.next(isType('Pong', dyno.hostId))).frame;
    if (pong.type !== 'Pong') throw new Error('not a Pong');
    expect(pong.destination).toBe(LISTENER_HOST);
    expect(pong.hostTs).toBe(123456);
    expect(Array.from(pong.echo)).toEqual([9, 8, 7]);
    expect(pong.version).toBe(1);
    // Addressed to the dyno only: the probe stays silent.
    await wait(100);
    expect(listener.heard.some(isType('Pong', probe.hostId))).toBe(false);

    const infosBefore = listener.heard.filter(isType('ChannelInfo', probe.hostId)).length;
    listener.send({ type: 'RequestChannelInfo', key: 0x06, host: 0, seq: 0, destination: probe.hostId });
    await wait(200);
    const infosAfter = listener.heard.filter(isType('ChannelInfo', probe.hostId)).length;
    expect(infosAfter).toBe(infosBefore + 1);
    expect(sim.stats().infoRequestsAnswered).toBe(1);
    expect(sim.stats().pingsAnswered).toBe(1);
  });

  it('sends ClearChannelInfo from both providers when stopped, and nothing after', async () => {
    const { sim, listener } = await setup();
    const [dyno, probe] = sim.status().providers;
    await listener.next(isType('ChannelValues', dyno.hostId));
    await sim.stop();
    await listener.next(isType('ClearChannelInfo', dyno.hostId));
    await listener.next(isType('ClearChannelInfo', probe.hostId));
    const count = listener.heard.length;
    await wait(150);
    expect(listener.heard.length).toBe(count);
    expect(sim.status()).toEqual({
      active: false,
      state: 'stopped',
      profile: null,
      current: null,
      providers: [],
      pulls: 0,
    });
  });

  it('drops show as sequence gaps; duplicates repeat a seq; reorders arrive behind', async () => {
    const { sim, listener } = await setup({
      rateHz: 200,
      faults: { dropPct: 20, duplicatePct: 10, reorderPct: 10 },
    });
    const [dyno] = sim.status().providers;
    await wait(800);
    const seqs = valuesOf(listener, dyno.hostId).map((v) => v.seq);
    let gaps = 0;
    let dups = 0;
    let behind = 0;
    for (let i = 1; i < seqs.length; i++) {
      const d = (seqs[i] - seqs[i - 1] + 256) & 0xff;
      if (d === 0) dups++;
      else if (d > 128) behind++;
      else if (d > 1) gaps++;
    }
    const f = sim.stats().faults;
    expect(f.dropped).toBeGreaterThan(10);
    expect(gaps).toBeGreaterThan(5);
    expect(dups).toBeGreaterThan(2);
    expect(behind).toBeGreaterThan(2);
  });

  it('a late start sends values before any ChannelInfo; RequestChannelInfo recovers the names', async () => {
    const { sim, listener } = await setup({ faults: { lateInfoMs: 60_000 } });
    const [dyno] = sim.status().providers;
    await listener.next(isType('ChannelValues', dyno.hostId));
    await wait(200);
    expect(listener.heard.some(isType('ChannelInfo'))).toBe(false);
    listener.send({ type: 'RequestChannelInfo', key: 0x06, host: 0, seq: 0, destination: ALL_HOSTS });
    const info = (await listener.next(isType('ChannelInfo', dyno.hostId))).frame;
    if (info.type !== 'ChannelInfo') throw new Error('not ChannelInfo');
    expect(info.channels).toHaveLength(16);
  });

  it('renames a channel (Clear, then new info) and restarts with a new host id', async () => {
    const { sim, listener } = await setup();
    const [dyno] = sim.status().providers;
    await listener.next(isType('ChannelInfo', dyno.hostId));
    sim.renameChannel('dyno', 11, 'MAP kPa');
    await listener.next(isType('ClearChannelInfo', dyno.hostId));
    const renamed = await listener.next(
      (h) => h.frame.type === 'ChannelInfo' && h.frame.channels.some((c) => c.name === 'MAP kPa'),
    );
    expect(renamed.frame.host).toBe(dyno.hostId);
    sim.restartProvider('dyno');
    const [after] = sim.status().providers;
    expect(after.hostId).not.toBe(dyno.hostId);
    await listener.next(isType('ChannelInfo', after.hostId));
    await listener.next(isType('ChannelValues', after.hostId));
  });

  it('pull() runs the dyno: rpm rises on the wire; pull refused when not idle or not running', async () => {
    const port = randomPort();
    const stopped = createSimulatedDyno({ port, autoPull: false });
    expect(stopped.pull()).toMatchObject({ ok: false, code: 'SIM_NOT_RUNNING' });
    expect(stopped.pullData()).toBeNull();
    const { sim, listener } = await setup({ profile: 'm8_131' });
    expect(sim.status()).toMatchObject({ active: true, state: 'idle', profile: { id: 'm8_131', max_hp: 145 } });
    expect(sim.pull()).toEqual({ ok: true, state: 'pull' });
    expect(sim.pull()).toMatchObject({ ok: false, code: 'SIM_NOT_IDLE' });
    const [dyno] = sim.status().providers;
    await listener.next(
      (h) => h.frame.type === 'ChannelValues' && h.frame.host === dyno.hostId && h.frame.samples[0].value > 1500,
      4000,
    );
    const s = sim.status();
    expect(s.state).toBe('pull');
    expect(s.pulls).toBe(1);
    expect(s.current?.rpm).toBeGreaterThan(1400);
    expect(s.current?.tps).toBe(100);
    const data = sim.pullData();
    expect(data?.pull).toBe(1);
    expect(data?.running).toBe(true);
    expect(data?.frames.length).toBeGreaterThan(20);
    expect(data?.frames.every((f) => f.state === 'pull')).toBe(true);
    expect(data?.peakHp).toBeGreaterThan(10);
    expect(sim.profiles().map((p) => p.id)).toEqual(['m8_114', 'm8_131', 'twin_cam_103', 'sportbike_600']);
  });

  it('start options set the virtual ECU, cylinder balance and atmosphere of the model', async () => {
    const { sim } = await setup();
    await sim.start({
      profile: 'sportbike_600',
      autoPull: false,
      virtualEcu: {
        enabled: true,
        scenario: 'lean',
        cylinderBalance: 'front_rich',
        barometricPressureInHg: 25,
        ambientTempF: 100,
      },
    });
    const model = sim.model;
    if (!model) throw new Error('no model after start');
    expect(model.profile.id).toBe('sportbike_600');
    const { veFront, veRear, trueVeFront } = model.ecu;
    const avgRatio = (t: Float64Array) => t.reduce((a, v, i) => a + v / trueVeFront[i], 0) / t.length;
    expect(avgRatio(veRear)).toBeCloseTo(0.9, 1);
    expect(veFront[40] / veRear[40]).toBeCloseTo(1.05, 6);
    expect(model.atmosphere.pressureKpa).toBeCloseTo(84.66, 1);
    expect(model.atmosphere.tempC).toBeCloseTo(37.78, 1);
    expect(sim.status().profile?.id).toBe('sportbike_600');
  });

  it('a virtual ECU given without `enabled` runs; none given, or enabled: false, runs none', async () => {
    const { sim } = await setup();
    const cases = [
      { virtualEcu: { scenario: 'rich' as const }, scenario: 'rich' },
      { virtualEcu: { enabled: false, scenario: 'rich' as const }, scenario: null },
      { virtualEcu: undefined, scenario: null },
    ];
    for (const c of cases) {
      await sim.start({ autoPull: false, virtualEcu: c.virtualEcu });
      expect(sim.veScenario()?.scenario ?? null).toBe(c.scenario);
      // Without a virtual ECU the model's fuelling is the true VE table (a perfect map); 'rich' is off it.
      const ecu = sim.model?.ecu;
      const exact = ecu?.veFront.every((v, i) => v === ecu.trueVeFront[i]);
      expect(exact).toBe(c.scenario === null);
      await sim.stop();
    }
  });

  it('concurrent starts leave one running provider pair, and stop silences it', async () => {
    const { sim, listener } = await setup();
    const [a, b] = await Promise.all([sim.start(), sim.start()]);
    expect(b.active).toBe(true);
    expect(a.providers[0].hostId).not.toBe(b.providers[0].hostId);
    await sim.stop();
    await wait(100);
    const count = listener.heard.length;
    await wait(200);
    expect(listener.heard.length).toBe(count);
  });

  it('refuses a non-loopback interface unless explicitly allowed', async () => {
    const sim = createSimulatedDyno({ port: randomPort(), iface: '192.168.1.10' });
    await expect(sim.start()).rejects.toThrow(/iface 192\.168\.1\.10: the simulator sends on loopback/);
    expect(sim.status().active).toBe(false);
  });
});
