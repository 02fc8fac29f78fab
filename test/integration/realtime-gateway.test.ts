import type { DataFrame, StreamChannelsChange, SubscribeResult } from '@jetdrive-hub/client/contract';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { decodeDataFrame, type StreamView } from '../../client-sdk/src/decode-data-frame.js';
import type { HubSample } from '../../client-sdk/src/hub-types.js';
import {
  type GatewayFixture,
  startGateway,
  subscribe,
  subscribeOk,
  type TestClient,
} from '../support/realtime-fixture.js';
import {
  createFakeQuantities,
  createRegistryDriver,
  type RegistryDriver,
  SIMULATOR_CHANNELS,
} from '../support/registry-driver.js';
import { until } from '../support/until.js';

const DYNO = 0x43fd;
const PROBE = 0x1a2b;

function channelIdOf(name: string): number {
  const channel = SIMULATOR_CHANNELS.find((candidate) => candidate.name === name);
  if (!channel) throw new Error(`no simulator channel ${name}`);
  return channel.channelId;
}
const RPM_1 = channelIdOf('Digital RPM 1');
const RPM_2 = channelIdOf('Digital RPM 2');
const TPS = channelIdOf('TPS');

/** Collects every live sample a raw client receives, decoded with the stream tables from its acks. */
function collect(client: TestClient) {
  const views = new Map<number, StreamView>();
  const samples: HubSample[] = [];
  const frames: { at: number; samples: HubSample[] }[] = [];
  const changes: StreamChannelsChange[] = [];
  client.on('stream:data', (frame: DataFrame) => {
    const view = views.get(frame[0]);
    if (!view) return;
    const decoded = decodeDataFrame(frame, view);
    frames.push({ at: performance.now(), samples: decoded });
    samples.push(...decoded);
  });
  client.on('stream:channels', (change) => {
    changes.push(change);
    const view = views.get(change.stream);
    for (const index of change.removed) view?.channels.delete(index);
    for (const channel of change.added) view?.channels.set(channel.index, channel);
  });
  return {
    samples,
    frames,
    changes,
    track(result: SubscribeResult) {
      const view: StreamView = views.get(result.stream.id) ?? {
        id: result.stream.id,
        envelope: result.stream.envelope,
        channels: new Map(),
      };
      for (const channel of result.stream.channels) view.channels.set(channel.index, channel);
      views.set(view.id, view);
      return result;
    },
  };
}

function addSimulator(registry: RegistryDriver): void {
  registry.addProvider(DYNO, 'Power Core');
  for (const channel of SIMULATOR_CHANNELS) registry.addChannel({ providerId: DYNO, ...channel });
  registry.addProvider(PROBE, 'Atmo Probe');
  registry.addChannel({ providerId: PROBE, channelId: 1, name: 'Humidity', unit: 16 });
  registry.addChannel({ providerId: PROBE, channelId: 2, name: 'Pressure', unit: 7 });
}

function pushAll(registry: RegistryDriver, value: number, time = Date.now()): void {
  registry.push(
    DYNO,
    SIMULATOR_CHANNELS.map((channel) => [channel.channelId, value + channel.channelId] as const),
    time,
  );
  registry.push(
    PROBE,
    [
      [1, value + 1],
      [2, value + 2],
    ],
    time,
  );
}

describe('realtime gateway over Socket.IO', () => {
  let registry: RegistryDriver;
  let fixture: GatewayFixture;

  beforeEach(async () => {
    registry = createRegistryDriver();
    addSimulator(registry);
    fixture = await startGateway(registry, { backlogCheckMs: 20 });
  });

  afterEach(async () => {
    await fixture.close();
  });

  it('greets with protocol version, server version and source', async () => {
    const client = await fixture.connect();
    expect(await fixture.hello(client)).toEqual({
      protocol: 1,
      serverVersion: '0.0.0-test',
      source: 'simulated',
      limits: { maxSubscriptions: 32, maxSelectors: 64, maxBackfillSeconds: 120, maxHz: 1_000 },
    });
  });

  it('gives 50 clients with different selections exactly their channels', async () => {
    const names = SIMULATOR_CHANNELS.map((channel) => channel.name);
    const clients = await Promise.all(Array.from({ length: 50 }, () => fixture.connect()));
    const expected: Set<string>[] = [];
    const received = clients.map((client) => collect(client));
    await Promise.all(
      clients.map(async (client, i) => {
        const chosen = names.filter((_, j) => (i + j) % 3 === 0 || j === i % names.length);
        const selectors: string[] = [...chosen];
        // An exact name selects that name on every provider (Humidity and Pressure exist on both).
        const keys = new Set(
          registry
            .catalog()
            .channels.filter((channel) => chosen.includes(channel.name))
            .map((channel) => channel.key),
        );
        if (i % 5 === 0) {
          selectors.push('Atmo Probe/Humidity');
          keys.add(`${PROBE}:1`);
        }
        if (i % 7 === 0) {
          selectors.push('*RPM*');
          keys.add(`${DYNO}:${RPM_1}`).add(`${DYNO}:${RPM_2}`);
        }
        expected[i] = keys;
        received[i].track(await subscribeOk(client, { selectors }));
      }),
    );
    const stats = fixture.gateway.stats();
    expect(stats.subscriptions).toBe(50);
    expect(stats.streams).toBeLessThan(50);
    expect(stats.rooms).toBe(stats.streams);

    const total = expected.reduce((sum, keys) => sum + keys.size * 20, 0);
    const deliveredBefore = fixture.gateway.stats().deliveredSamples;
    for (let n = 0; n < 20; n++) {
      pushAll(registry, n * 100, Date.now() + n);
      // One event-loop turn: each push goes out in its own flush.
      await new Promise((resolve) => setImmediate(resolve));
    }
    // Every sample the server handed out has arrived: nothing more is on its way.
    await until(
      () =>
        fixture.gateway.stats().deliveredSamples - deliveredBefore === total &&
        received.reduce((sum, r) => sum + r.samples.length, 0) === total,
      5_000,
      'every client to receive 20 samples of each selected channel',
    );
    received.forEach((r, i) => {
      expect(new Set(r.samples.map((sample) => sample.key))).toEqual(expected[i]);
      expect(r.samples).toHaveLength(expected[i].size * 20);
      for (const key of expected[i]) {
        const values = r.samples.filter((sample) => sample.key === key).map((sample) => sample.value);
        const channelId = Number(key.split(':')[1]);
        expect(values).toEqual(Array.from({ length: 20 }, (_, n) => n * 100 + channelId));
      }
    });
  });

  it('answers invalid payloads and limits with error codes instead of throwing', async () => {
    const client = await fixture.connect();
    const bad = await subscribe(client, { selectors: [] });
    expect(bad.ok).toBe(false);
    if (!bad.ok) {
      expect(bad.error.code).toBe('INVALID_PAYLOAD');
      expect(bad.error.message).toContain('selectors');
    }
    const tooFast = await subscribe(client, { selectors: ['TPS'], maxHz: 5_000 });
    expect(tooFast.ok ? null : tooFast.error.code).toBe('INVALID_PAYLOAD');
    const tooMany = await subscribe(client, { selectors: Array.from({ length: 65 }, (_, i) => `c${i}`) });
    expect(tooMany.ok ? null : tooMany.error.message).toMatch(/selectors: .*64/);
    for (let i = 0; i < 32; i++) await subscribeOk(client, { selectors: [`c${i % 8}`] });
    const over = await subscribe(client, { selectors: ['TPS'] });
    expect(over.ok ? null : over.error).toEqual({
      code: 'TOO_MANY_SUBSCRIPTIONS',
      message: 'subscriptions: 32 open, limit 32 per socket',
    });
    const unknown = await new Promise((resolve) => client.emit('channel:unsubscribe', 'nope', resolve));
    expect(unknown).toMatchObject({ ok: false, error: { code: 'UNKNOWN_SUBSCRIPTION' } });
    expect(fixture.gateway.stats().invalidCommands).toBe(3);
  });

  it('sends metadata and last values on subscribe, then backfill before live data', async () => {
    const start = Date.now() - 4_950;
    for (let n = 0; n < 50; n++) pushAll(registry, n, start + n * 100);
    const client = await fixture.connect();
    const backfill: DataFrame[] = [];
    client.on('stream:backfill', (message) => backfill.push(message.frame));
    const plain = await subscribeOk(client, { selectors: ['Digital RPM 1'] });
    expect(plain.stream.channels).toHaveLength(1);
    expect(plain.stream.channels[0]).toMatchObject({ name: 'Digital RPM 1', unit: 'RPM', providerName: 'Power Core' });
    expect(plain.stream.channels[0].last).toEqual([start + 4_900, 49 + RPM_1, (start + 4_900) % 0x1_0000_0000]);

    const asked = Date.now();
    const withHistory = await subscribeOk(client, { selectors: ['TPS'], backfill: 2 });
    const answered = Date.now();
    await until(() => backfill.length > 0, 5_000, 'backfill frames');
    const view: StreamView = {
      id: withHistory.stream.id,
      envelope: false,
      channels: new Map(withHistory.stream.channels.map((channel) => [channel.index, channel])),
    };
    const history = backfill.flatMap((frame) => decodeDataFrame(frame, view));
    // The last 2 s of history (100 ms apart), oldest first: the hub reads its clock between `asked` and
    // `answered`, so the window starts somewhere in [asked - 2000, answered - 2000].
    const within = (since: number) => Array.from({ length: 50 }, (_, n) => n).filter((n) => start + n * 100 >= since);
    const most = within(asked - 2_000);
    const least = within(answered - 2_000);
    const values = history.map((sample) => sample.value - TPS);
    expect(values.length).toBeGreaterThanOrEqual(least.length);
    expect(values).toEqual(most.slice(most.length - values.length));
    expect(values.at(-1)).toBe(49);
  });

  it('honours maxHz within 10 % and keeps a one-sample spike only with an envelope', async () => {
    const client = await fixture.connect();
    const plain = collect(client);
    const enveloped = collect(client);
    const plainStream = plain.track(await subscribeOk(client, { selectors: ['TPS'], maxHz: 20 }));
    enveloped.track(await subscribeOk(client, { selectors: ['TPS'], maxHz: 20, envelope: true }));
    const started = performance.now();
    let n = 0;
    const pump = setInterval(() => {
      n++;
      // One spike of 900, immediately followed (same period) by a normal value.
      registry.push(DYNO, [[TPS, n === 60 ? 900 : 50]]);
      if (n === 60) registry.push(DYNO, [[TPS, 50]]);
    }, 2);
    const plainFrames = () => plain.frames.filter((frame) => frame.samples.some((s) => s.key === `${DYNO}:${TPS}`));
    // Pushed every 2 ms, delivered at 20 Hz: wait for 30 frames (and the spike), then count.
    try {
      await until(() => n > 60 && plainFrames().length >= 30, 10_000, '30 frames of the 20 Hz stream');
    } finally {
      clearInterval(pump);
    }
    const elapsed = performance.now() - started;
    // Never more than 20 Hz (+10 %) over the pumping time, however busy the machine: one frame per period at most.
    expect(plainFrames().length).toBeLessThanOrEqual(Math.ceil((elapsed / 1000) * 22) + 1);
    // Frames carry one record per changed channel: the ~25 samples of each period are conflated into one.
    expect(plainFrames().every((frame) => frame.samples.length === 1)).toBe(true);
    // Both local subscriptions share stream ids per option set; the envelope stream is a different one.
    expect(plainStream.stream.envelope).toBe(false);
    const plainMax = Math.max(...plain.samples.filter((s) => s.min === undefined).map((s) => s.value));
    expect(plainMax).toBe(50);
    const envelopeMax = Math.max(...enveloped.samples.map((s) => s.max ?? Number.NEGATIVE_INFINITY));
    expect(envelopeMax).toBe(900);
  });

  it('adds a channel announced later to a matching glob subscription', async () => {
    const client = await fixture.connect();
    const received = collect(client);
    received.track(await subscribeOk(client, { selectors: ['*rpm*'] }));
    registry.addChannel({ providerId: PROBE, channelId: 9, name: 'Digital RPM 3', unit: 8 });
    await until(() => received.changes.length === 1, 5_000, 'stream:channels for the new channel');
    expect(received.changes[0].added.map((channel) => channel.displayName)).toEqual(['Digital RPM 3']);
    registry.push(PROBE, [[9, 1234]]);
    registry.push(DYNO, [[RPM_1, 3000]]);
    await until(() => received.samples.length === 2, 5_000, 'samples of the old and the new channel');
    expect(received.samples.map((sample) => [sample.name, sample.value])).toEqual([
      ['Digital RPM 3', 1234],
      ['Digital RPM 1', 3000],
    ]);
    registry.renameChannel(`${PROBE}:9`, 'Spare');
    await until(() => received.changes.length === 2, 5_000, 'removal after a rename out of the glob');
    expect(received.changes[1].removed).toHaveLength(1);
  });

  it('delivers many frames in order to a viewer that keeps up', async () => {
    const client = await fixture.connect();
    const received = collect(client);
    received.track(await subscribeOk(client, { selectors: ['Digital RPM 1'] }));
    for (let n = 0; n < 2_000; n++) {
      registry.push(DYNO, [[RPM_1, n]]);
      if (n % 100 === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    await until(() => received.samples.length === 2_000, 5_000, '2000 samples');
    expect(received.samples.map((sample) => sample.value)).toEqual(Array.from({ length: 2_000 }, (_, n) => n));
    expect(fixture.gateway.stats().laggingViewers).toBe(0);
  });

  it('leaves zero viewers, subscriptions, rooms and timers after 1000 connect/disconnect cycles', async () => {
    const started = Date.now();
    for (let round = 0; round < 20; round++) {
      await Promise.all(
        Array.from({ length: 50 }, async (_, i) => {
          const client = await fixture.connect();
          await subscribeOk(client, { selectors: [i % 2 ? '*RPM*' : 'TPS'], ...(i % 3 === 0 ? { maxHz: 10 } : {}) });
          if (i % 4 === 0) await subscribeOk(client, { selectors: [`c${round}-${i}`] });
          client.disconnect();
        }),
      );
      pushAll(registry, round);
    }
    await until(() => fixture.gateway.stats().viewers === 0, 5_000, 'all disconnects to be processed');
    expect(fixture.gateway.stats()).toMatchObject({ viewers: 0, subscriptions: 0, streams: 0, rooms: 0, timers: 0 });
    expect(fixture.gateway.io.of('/').adapter.rooms.size).toBe(0);
    expect(Date.now() - started).toBeLessThan(30_000);
  });
});

describe('realtime gateway with a quantity resolver', () => {
  it('selects by quantity and re-evaluates when the mapping changes', async () => {
    const registry = createRegistryDriver();
    addSimulator(registry);
    const quantities = createFakeQuantities({ 'Digital RPM 1': 'rpm', 'Air/Fuel Ratio 1': 'afr_front' });
    const fixture = await startGateway(registry, {}, quantities);
    try {
      const client = await fixture.connect();
      const received = collect(client);
      const result = received.track(await subscribeOk(client, { selectors: [{ quantity: 'rpm' }] }));
      expect(result.stream.channels.map((channel) => [channel.name, channel.quantity])).toEqual([
        ['Digital RPM 1', 'rpm'],
      ]);
      quantities.set('Digital RPM 1', null);
      quantities.set('Digital RPM 2', 'rpm');
      // One coalesced stream:channels message (or two, if a flush fell between the two changes).
      const told = () => {
        const added = received.changes.flatMap((c) => c.added.map((a) => a.name));
        const removed = received.changes.flatMap((c) => c.removed);
        return added.includes('Digital RPM 2') && removed.length === 1;
      };
      await until(told, 5_000, 'mapping change to reach the stream');
      pushAll(registry, 0);
      await until(() => received.samples.length === 1, 5_000, 'one rpm sample');
      expect(received.samples[0].name).toBe('Digital RPM 2');
    } finally {
      await fixture.close();
    }
  });

  it('selects by provider id or name', async () => {
    const registry = createRegistryDriver();
    addSimulator(registry);
    const fixture = await startGateway(registry);
    try {
      const client = await fixture.connect();
      const byId = await subscribeOk(client, { selectors: [{ provider: '0x1A2B' }] });
      const byName = await subscribeOk(client, { selectors: [{ provider: 'atmo probe' }] });
      expect(byId.stream.channels.map((channel) => channel.name)).toEqual(['Humidity', 'Pressure']);
      expect(byName.stream.channels.map((channel) => channel.name)).toEqual(['Humidity', 'Pressure']);
      expect(byId.stream.channels[0].displayName).toBe('Atmo Probe/Humidity');
    } finally {
      await fixture.close();
    }
  });
});
