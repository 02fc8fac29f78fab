import { createSocket } from 'node:dgram';
import { afterEach, describe, expect, it } from 'vitest';
import type { Sample } from '../../server/channels/types.js';
import { createIngest, type IngestOptions } from '../../server/ingest/create-ingest.js';
import { hostHex } from '../../server/jetdrive/pick-host-id.js';
import { encodeFrame } from '../../server/protocol/index.js';
import type { ChannelInfoRecord, DecodedFrame } from '../../server/protocol/types.js';
import { ALL_HOSTS } from '../../server/protocol/types.js';
import { type StartedIngest, startLoopbackIngest } from '../support/start-loopback-ingest.js';
import { createTestProvider, type TestProvider } from '../support/test-jetdrive-provider.js';
import { closeSocket, loopbackMulticast } from '../support/udp.js';
import { until } from '../support/until.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()?.();
});

async function startHub(options: IngestOptions = {}): Promise<StartedIngest> {
  const started = await startLoopbackIngest(options);
  cleanups.push(() => started.ingest.stop());
  return started;
}

async function provider(options: Parameters<typeof createTestProvider>[0]): Promise<TestProvider> {
  const p = await createTestProvider(options);
  cleanups.push(() => p.close());
  return p;
}

const rec = (channelId: number, name: string, unit = 255): ChannelInfoRecord => ({ channelId, vendor: 0, name, unit });
const isFor = (type: DecodedFrame['type'], host: number) => (f: DecodedFrame) =>
  f.type === type && f.destination === host;

describe('live ingest over loopback multicast', () => {
  it('joins mid-stream: provisional channels, RequestChannelInfo, renamed in place', async () => {
    const { ingest, port } = await startHub();
    expect(ingest.joins).toEqual([{ group: '224.0.2.10', iface: '127.0.0.1', ok: true }]);
    const hostId = ingest.hostId();
    expect(hostId).not.toBeNull();
    const p = await provider({
      port,
      hostId: 0x0101,
      name: 'Power Core',
      channels: [rec(7, 'Digital RPM 1', 8), rec(8, 'Air/Fuel Ratio 1', 11)],
    });
    const rpm: Sample[] = [];
    ingest.registry.channel$('Digital RPM 1').subscribe((s) => rpm.push(s));
    await p.sendValues([
      { channelId: 7, value: 3500 },
      { channelId: 8, value: 13.5 },
    ]);
    const request = await p.next(isFor('RequestChannelInfo', 0x0101));
    expect(request.host).toBe(hostId);
    await until(() => ingest.registry.getChannel('257:7')?.provisional === false, 2000, 'channel renamed');
    const channels = ingest.registry.catalog().channels;
    expect(channels.map((c) => [c.key, c.name, c.unitLabel, c.provisional])).toEqual([
      ['257:7', 'Digital RPM 1', 'RPM', false],
      ['257:8', 'Air/Fuel Ratio 1', 'AFR', false],
    ]);
    expect(ingest.registry.getChannel('257:7')?.lastValue).toBe(3500);
    expect(rpm.map((s) => s.value)).toEqual([3500]);
    await p.sendValues([{ channelId: 7, value: 3600 }]);
    await until(() => rpm.length === 2, 2000, 'second rpm sample');
    expect(rpm[1]).toMatchObject({ key: '257:7', value: 3600 });
    expect(ingest.registry.catalog().providers[0]).toMatchObject({
      name: 'Power Core',
      hostHex: '0x0101',
      channelCount: 2,
    });
  });

  it('merges 39 + 3 ChannelInfo and forgets the channels on ClearChannelInfo', async () => {
    const { ingest, port, events } = await startHub();
    const channels = Array.from({ length: 42 }, (_, i) => rec(i + 1, `Channel Name ${i + 1}`, 16));
    const p = await provider({ port, hostId: 0x0102, name: 'Power Core', channels, answerPings: false });
    await p.sendInfo();
    await until(() => ingest.registry.catalog().channels.length === 42, 2000, '42 channels');
    expect(ingest.registry.stats().providers['0x0102'].received).toBe(2);
    await p.sendClear();
    await until(() => ingest.registry.catalog().channels.length === 0, 2000, 'channels cleared');
    expect(events.some((e) => e.type === 'provider:cleared' && e.provider.hostId === 0x0102)).toBe(true);
    expect(ingest.registry.catalog().providers[0].channelCount).toBe(0);
  });

  it('keeps two providers with overlapping ids and the same channel name apart', async () => {
    const { ingest, port } = await startHub();
    const a = await provider({
      port,
      hostId: 0x0201,
      name: 'Power Core',
      channels: [rec(1, 'Torque', 5), rec(2, 'MAP', 7)],
    });
    const b = await provider({ port, hostId: 0x0202, name: 'RT-150', channels: [rec(1, 'Torque', 5)] });
    await a.sendInfo();
    await b.sendInfo();
    await a.sendValues([{ channelId: 1, value: 100 }]);
    await b.sendValues([{ channelId: 1, value: 200 }]);
    await until(() => ingest.registry.stats().samples === 2, 2000, 'two samples');
    const byKey = Object.fromEntries(
      ingest.registry.catalog().channels.map((c) => [c.key, [c.displayName, c.lastValue]]),
    );
    expect(byKey).toEqual({
      '513:1': ['Power Core/Torque', 100],
      '513:2': ['MAP', null],
      '514:1': ['RT-150/Torque', 200],
    });
    const rt: Sample[] = [];
    ingest.registry.channel$('RT-150/Torque').subscribe((s) => rt.push(s));
    expect(rt.map((s) => s.value)).toEqual([200]);
  });

  it('counts sequence gaps across 255 -> 0 and loses no delivered sample', async () => {
    const { ingest, port } = await startHub();
    const p = await provider({ port, hostId: 0x0301, channels: [rec(1, 'Speed', 2)], answerPings: false });
    p.setSeq(250);
    await p.sendInfo(); // 250
    for (let i = 0; i < 5; i++) await p.sendValues([{ channelId: 1, value: i }]); // 251..255
    p.setSeq(2); // 0 and 1 lost
    for (let i = 5; i < 8; i++) await p.sendValues([{ channelId: 1, value: i }]); // 2..4
    await until(() => ingest.registry.stats().samples === 8, 2000, 'eight samples');
    expect(ingest.registry.stats().providers['0x0301']).toEqual({
      received: 9,
      dropped: 2,
      outOfOrder: 0,
      first: 1,
      duplicates: 0,
    });
    expect(ingest.registry.history('769:1').map((s) => s.value)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });

  it('syncs to a provider clock with a known offset, across its u32 wrap', async () => {
    const { ingest, port } = await startHub();
    const base = Date.now();
    // Provider clock: 300 ms before its u32 wrap at creation.
    const clock = () => (Date.now() - base + 2 ** 32 - 300) >>> 0;
    const p = await provider({ port, hostId: 0x0401, channels: [rec(1, 'Power', 4)], clock });
    await p.sendInfo();
    const ping = await p.next(isFor('Ping', 0x0401));
    expect(ping).toMatchObject({ host: ingest.hostId(), version: 1 });
    await until(() => ingest.registry.catalog().providers[0]?.clock.synced, 2000, 'clock synced');
    const snapshot = ingest.registry.catalog().providers[0];
    expect(snapshot.clock.latencyMs).toBeGreaterThanOrEqual(0);
    expect(snapshot.clock.latencyMs).toBeLessThan(50);
    // A sample the provider stamped 5 s ago must land 5 s ago, not at receive time.
    const sentAt = Date.now();
    await p.sendValues([{ channelId: 1, value: 1, ts: (clock() - 5000) >>> 0 }]);
    await until(() => ingest.registry.stats().samples === 1, 2000, 'first sample');
    const first = ingest.registry.getChannel('1025:1');
    expect(Math.abs((first?.lastTime ?? 0) - (sentAt - 5000))).toBeLessThan(60);
    await until(() => clock() < 1_000_000, 2000, 'provider clock wrapped');
    const afterWrap = Date.now();
    await p.sendValues([{ channelId: 1, value: 2 }]);
    await until(() => ingest.registry.stats().samples === 2, 2000, 'second sample');
    const second = ingest.registry.getChannel('1025:1');
    expect(second?.lastValue).toBe(2);
    expect(Math.abs((second?.lastTime ?? 0) - afterWrap)).toBeLessThan(60);
    expect(ingest.registry.history('1025:1').map((s) => s.providerTs)[1]).toBeLessThan(1_000_000);
  });

  it('answers Pings addressed to it or to all with a correct Pong', async () => {
    const { ingest, port } = await startHub();
    const p = await provider({ port, hostId: 0x0501 });
    const ping = (hostTs: number, destination: number) =>
      p.sendMessage({
        type: 'Ping',
        key: 0x04,
        host: 0x0501,
        seq: 0,
        destination,
        version: 1,
        hostTs,
        echo: new Uint8Array([0xde, 0xad, 0xbe, 0xef]),
      });
    await ping(0x11111111, 0x0999); // another host: not ours to answer
    await ping(0xfffffff0, ALL_HOSTS);
    const sentAt = Date.now();
    await ping(0x22222222, ingest.hostId() ?? 0);
    await p.next((f) => f.type === 'Pong' && f.hostTs === 0x22222222);
    const pongs = p.received.filter((f) => f.type === 'Pong');
    expect(pongs.map((f) => (f.type === 'Pong' ? f.hostTs : null))).toEqual([0xfffffff0, 0x22222222]);
    const pong = pongs[1];
    if (pong.type !== 'Pong') throw new Error('not a pong');
    expect(pong).toMatchObject({ host: ingest.hostId(), destination: 0x0501, version: 1 });
    expect([...pong.echo]).toEqual([0xde, 0xad, 0xbe, 0xef]);
    expect(Math.abs(pong.remoteTs - (sentAt >>> 0))).toBeLessThan(1000);
  });

  it('marks a silent provider offline after offlineAfterMs and online again when it speaks', async () => {
    const { ingest, port, events } = await startHub({ node: { offlineAfterMs: 300 } });
    const p = await provider({ port, hostId: 0x0601, channels: [rec(1, 'TPS', 16)] });
    await p.sendInfo();
    await until(() => ingest.registry.catalog().providers[0]?.online, 2000, 'provider online');
    const silentFrom = Date.now();
    await until(() => events.find((e) => e.type === 'provider:offline'), 2000, 'offline event');
    expect(Date.now() - silentFrom).toBeGreaterThanOrEqual(290);
    expect(ingest.registry.catalog().providers[0].online).toBe(false);
    await p.sendValues([{ channelId: 1, value: 42 }]);
    await until(() => ingest.registry.catalog().providers[0].online, 2000, 'online again');
    expect(events.filter((e) => e.type === 'provider:online')).toHaveLength(2);
  });

  it('treats a restart with a new host id as a new provider; the old one times out', async () => {
    const { ingest, port } = await startHub({ node: { offlineAfterMs: 300 } });
    const before = await provider({ port, hostId: 0x0c01, name: 'Power Core', channels: [rec(1, 'Torque', 5)] });
    await before.sendInfo();
    await before.sendValues([{ channelId: 1, value: 10 }]);
    await until(() => ingest.registry.getChannel('3073:1')?.lastValue === 10, 2000, 'first provider data');
    await before.close();
    const after = await provider({ port, hostId: 0x0c02, name: 'Power Core', channels: [rec(1, 'Torque', 5)] });
    await after.sendInfo();
    await after.sendValues([{ channelId: 1, value: 20 }]);
    await until(() => ingest.registry.getChannel('3074:1')?.lastValue === 20, 2000, 'second provider data');
    const online = () => Object.fromEntries(ingest.registry.catalog().providers.map((p) => [p.hostHex, p.online]));
    expect(online()).toEqual({ '0x0C01': true, '0x0C02': true });
    // Keep the new one talking while the old one goes silent.
    await until(
      async () => {
        await after.sendValues([{ channelId: 1, value: 21 }]);
        return online()['0x0C01'] === false;
      },
      2000,
      'old provider offline',
      50,
    );
    expect(online()).toEqual({ '0x0C01': false, '0x0C02': true });
    expect(ingest.registry.getChannel('3074:1')?.displayName).toBe('Torque');
    expect(ingest.registry.getChannel('3073:1')?.displayName).toBe('Power Core (0x0C01)/Torque');
  });

  it('ignores the data of a provider answering with Pong version >= 10', async () => {
    const { ingest, port, events } = await startHub();
    const p = await provider({
      port,
      hostId: 0x0701,
      name: 'Future Box',
      channels: [rec(1, 'RPM', 8)],
      pongVersion: 10,
    });
    await p.sendInfo();
    await until(() => ingest.status().node.incompatible.length === 1, 2000, 'incompatible');
    expect(ingest.status().node.incompatible[0]).toMatchObject({ hostHex: '0x0701', name: 'Future Box', version: 10 });
    expect(events.some((e) => e.type === 'provider:incompatible')).toBe(true);
    const before = ingest.registry.stats();
    await p.sendValues([{ channelId: 1, value: 1 }]);
    await until(() => ingest.registry.stats().ignored.incompatible > before.ignored.incompatible, 2000, 'ignored');
    expect(ingest.registry.stats().samples).toBe(0);
    expect(ingest.registry.catalog().channels).toHaveLength(0);
  });

  it('loses no valid sample when malformed datagrams are interleaved', async () => {
    const { ingest, port } = await startHub();
    const p = await provider({
      port,
      hostId: 0x0801,
      channels: [rec(1, 'A', 16), rec(2, 'B', 16)],
      answerPings: false,
    });
    await p.sendInfo();
    const garbage = [
      new Uint8Array([0x02, 0x01]), // shorter than a header
      encodeFrame({
        type: 'ChannelValues',
        key: 0x02,
        host: 0x0801,
        seq: 0,
        destination: ALL_HOSTS,
        samples: [],
      }).subarray(0, 5),
      new Uint8Array([0x02, 0xff, 0x00, 0x01, 0x08, 0x00, 0xff, 0xff, 1, 2, 3]), // length 255, 3 value bytes
      new Uint8Array([0x01, 0x04, 0x00, 0x01, 0x08, 0x00, 0xff, 0xff, 0, 0, 0, 0]), // ChannelInfo shorter than a name
    ];
    const expected: number[] = [];
    for (let i = 0; i < 40; i++) {
      await p.sendValues([
        { channelId: 1, value: i },
        { channelId: 2, value: -i },
      ]);
      expected.push(i);
      await p.sendRaw(garbage[i % garbage.length]);
    }
    await until(() => ingest.registry.stats().samples === 80, 3000, '80 samples');
    expect(ingest.registry.history('2049:1').map((s) => s.value)).toEqual(expected);
    const malformed = Object.values(ingest.registry.stats().malformed).reduce((a, b) => a + b, 0);
    expect(malformed).toBe(40);
    expect(ingest.registry.stats().providers[hostHex(0x0801)].dropped).toBe(0);
  });

  it('closes its sockets on stop: the port can be bound exclusively again', async () => {
    const { ingest, port } = await startHub();
    const tryExclusive = async (): Promise<boolean> => {
      const s = createSocket({ type: 'udp4', reuseAddr: false });
      const ok = await new Promise<boolean>((resolve) => {
        s.once('error', () => resolve(false));
        s.bind({ port, address: '0.0.0.0', exclusive: true }, () => resolve(true));
      });
      await closeSocket(s);
      return ok;
    };
    expect(await tryExclusive()).toBe(false);
    await ingest.stop();
    expect(await tryExclusive()).toBe(true);
    expect(ingest.status().node.state).toBe('stopped');
  });

  it('shares the port with another JetDrive program (SO_REUSEADDR): both hear every datagram', async () => {
    const first = await startHub();
    const second = await startHub({ multicast: loopbackMulticast(first.port) });
    expect(second.port).toBe(first.port);
    expect(second.ingest.hostId()).not.toBe(first.ingest.hostId());
    const p = await provider({ port: first.port, hostId: 0x0a01, channels: [rec(1, 'Force Drum 1', 3)] });
    await p.sendInfo();
    await p.sendValues([{ channelId: 1, value: 812 }]);
    for (const hub of [first, second]) {
      await until(() => hub.ingest.registry.getChannel('2561:1')?.lastValue === 812, 2000, 'both hubs got the value');
    }
  });

  it('rejects start with the port, group, interface and OS error when the port is held exclusively', async () => {
    const holder = createSocket({ type: 'udp4', reuseAddr: false });
    await new Promise<void>((resolve) => holder.bind({ port: 0, address: '0.0.0.0', exclusive: true }, resolve));
    cleanups.push(() => closeSocket(holder));
    const port = holder.address().port;
    const ingest = createIngest({ multicast: loopbackMulticast(port), node: { claimMs: 50 } });
    cleanups.push(() => ingest.stop());
    await expect(ingest.start()).rejects.toThrow(
      new RegExp(`bind failed, group 224.0.2.10, port ${port}, interface 0.0.0.0: EADDRINUSE`),
    );
    expect(ingest.status().node).toMatchObject({ state: 'failed' });
    expect(ingest.status().node.error).toMatch(/EADDRINUSE/);
  });

  it('runs passive: no host id, nothing transmitted, data still flows', async () => {
    const { ingest, port } = await startHub({ passive: true });
    const p = await provider({ port, hostId: 0x0901, channels: [rec(3, 'Humidity', 16)] });
    await p.sendValues([{ channelId: 3, value: 40 }]);
    await p.sendInfo();
    await until(() => ingest.registry.getChannel('2305:3')?.name === 'Humidity', 2000, 'named');
    expect(ingest.hostId()).toBeNull();
    // A non-passive hub would have pinged the new host and asked for its ChannelInfo while handling these frames.
    expect(ingest.node.counters.sent).toEqual({});
    expect(p.received).toHaveLength(0);
    expect(ingest.registry.getChannel('2305:3')?.lastValue).toBe(40);
  });
});
