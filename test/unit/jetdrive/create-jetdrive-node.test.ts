import { Subject, throwError } from 'rxjs';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createChannelRegistry } from '../../../server/channels/create-channel-registry.js';
import type { CatalogEvent } from '../../../server/channels/types.js';
import { u32Clock } from '../../../server/jetdrive/clock-sync.js';
import { createJetDriveNode } from '../../../server/jetdrive/create-jetdrive-node.js';
import { createNodeCounters } from '../../../server/jetdrive/create-node-counters.js';
import type { JetDriveNodeOptions } from '../../../server/jetdrive/default-node-options.js';
import { decodeFrame, encodeFrame } from '../../../server/protocol/index.js';
import type { DecodedFrame, JetDriveMessage } from '../../../server/protocol/types.js';
import { ALL_HOSTS, MAX_PING_ECHO_BYTES } from '../../../server/protocol/types.js';
import type { Datagram } from '../../../server/transport/types.js';

const PROVIDER = 0x0a11;
const OTHER = 0x0b22;

function setup(options: Partial<JetDriveNodeOptions> = {}, random?: () => number) {
  const source = new Subject<Datagram>();
  const sent: DecodedFrame[] = [];
  const counters = createNodeCounters();
  const registry = createChannelRegistry({}, { counters });
  const events: CatalogEvent[] = [];
  registry.events$.subscribe((e) => events.push(e));
  const node = createJetDriveNode(
    {
      datagrams$: source,
      send: (bytes) => sent.push(decodeFrame(bytes)),
      sink: registry.sink,
      counters,
      random,
    },
    { claimMs: 50, offlineAfterMs: 300, checkIntervalMs: 50, ...options },
  );
  const deliver = (message: JetDriveMessage, from = { address: '127.0.0.1', port: 40000 }): void => {
    source.next({ bytes: encodeFrame(message), from, receivedAt: Date.now() });
  };
  const deliverRaw = (bytes: Uint8Array): void => {
    source.next({ bytes, from: { address: '127.0.0.1', port: 40000 }, receivedAt: Date.now() });
  };
  return { source, sent, counters, registry, events, node, deliver, deliverRaw };
}

const values = (host: number, seq: number, ids: number[], destination = ALL_HOSTS): JetDriveMessage => ({
  type: 'ChannelValues',
  key: 0x02,
  host,
  seq,
  destination,
  samples: ids.map((channelId) => ({ channelId, ts: 1000, value: channelId * 1.5 })),
});

const info = (host: number, seq: number, channels: [number, string][]): JetDriveMessage => ({
  type: 'ChannelInfo',
  key: 0x01,
  host,
  seq,
  destination: ALL_HOSTS,
  providerName: 'Power Core',
  channels: channels.map(([channelId, name]) => ({ channelId, vendor: 0, name, unit: 8 })),
});

const ping = (host: number, destination: number, hostTs = 4242, version = 1): JetDriveMessage => ({
  type: 'Ping',
  key: 0x04,
  host,
  seq: 0,
  destination,
  version,
  hostTs,
  echo: new Uint8Array([1, 2, 3]),
});

describe('createJetDriveNode', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: 1_700_000_000_000 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('claims a host id not seen during the claim window', async () => {
    // 4 draws make the claim nonce; then the first two id draws land on ids in use, the third is free.
    const idDraw = (id: number) => (id - 1 + 0.5) / 0xfffe;
    const draws = [0, 0, 0, 0, idDraw(PROVIDER), idDraw(OTHER), idDraw(0x7777)];
    const t = setup({}, () => draws.shift() ?? 0.25);
    const started = t.node.start();
    await vi.advanceTimersByTimeAsync(0);
    const claimPing = t.sent[0];
    expect(claimPing).toMatchObject({ type: 'Ping', host: 0, destination: ALL_HOSTS, version: 1 });
    expect(t.node.status().state).toBe('claiming');
    // Our own claim Ping comes back through loopback: not answered, counted as our own.
    t.source.next({ bytes: encodeFrame(claimPing), from: { address: '127.0.0.1', port: 1 }, receivedAt: Date.now() });
    expect(t.counters.ignored.ownMessages).toBe(1);
    // Another node answers the claim; a provider is streaming.
    t.deliver({
      type: 'Pong',
      key: 0x05,
      host: OTHER,
      seq: 0,
      destination: 0,
      version: 1,
      hostTs: 0,
      remoteTs: 0,
      echo: new Uint8Array(),
    });
    t.deliver(values(PROVIDER, 0, [1]));
    await vi.advanceTimersByTimeAsync(60);
    await started;
    expect(t.node.hostId()).toBe(0x7777);
    expect(t.node.status()).toMatchObject({ state: 'running', passive: false });
    expect(t.sent.filter((f) => f.type === 'Pong')).toHaveLength(0);
  });

  it('announces a provider heard first by its ChannelInfo under the name that ChannelInfo gives', async () => {
    const t = setup({ hostId: 0x7777 });
    await t.node.start();
    t.deliver(info(PROVIDER, 0, [[1, 'Digital RPM 1']]));
    const online = t.events.find((e) => e.type === 'provider:online');
    expect(online?.type === 'provider:online' && online.provider.name).toBe('Power Core');
    expect(t.registry.catalog().channels.map((c) => c.name)).toEqual(['Digital RPM 1']);
    t.node.stop();
  });

  it('picks a new id when a message carries ours as host and destination', async () => {
    const t = setup({ hostId: 0x1234 });
    await t.node.start();
    t.deliver(values(0x1234, 0, [1], ALL_HOSTS));
    expect(t.counters.ignored.ownMessages).toBe(1);
    expect(t.node.hostId()).toBe(0x1234);
    t.deliver(ping(0x1234, 0x1234));
    expect(t.node.hostId()).not.toBe(0x1234);
    expect(t.counters.collisions).toBe(1);
  });

  it('changes its id on a collision at most once per hostIdChangeMinIntervalMs, counting the rest', async () => {
    const t = setup({ hostId: 0x1234, hostIdChangeMinIntervalMs: 30_000 });
    await t.node.start();
    for (let i = 0; i < 5; i++) {
      const id = t.node.hostId() ?? 0;
      t.deliver(ping(id, id));
    }
    expect(t.counters).toMatchObject({ collisions: 1, collisionsSuppressed: 4 });
    await vi.advanceTimersByTimeAsync(30_000);
    const id = t.node.hostId() ?? 0;
    t.deliver(ping(id, id));
    expect(t.node.hostId()).not.toBe(id);
    expect(t.counters.collisions).toBe(2);
  });

  it('answers claim Pings (host 0) only when sent to all hosts, once per second', async () => {
    const t = setup({ hostId: 0x1234 });
    await t.node.start();
    const pongs = () => t.sent.filter((f) => f.type === 'Pong');
    t.deliver(ping(0, 0x1234));
    expect(pongs()).toHaveLength(0);
    for (let i = 0; i < 5; i++) t.deliver(ping(0, ALL_HOSTS));
    expect(pongs()).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1000);
    t.deliver(ping(0, ALL_HOSTS));
    expect(pongs()).toHaveLength(2);
    expect(t.counters.pongsSuppressed).toEqual({ claim: 4 });
  });

  it('flags frames from another source address under policy flag, and drops them under drop', async () => {
    for (const policy of ['flag', 'drop'] as const) {
      const t = setup({ hostId: 0x1234, sourcePolicy: policy, offlineAfterMs: 60_000 });
      await t.node.start();
      t.deliver(info(PROVIDER, 0, [[1, 'Digital RPM 1']]));
      t.deliver(values(PROVIDER, 1, [1]), { address: '127.0.0.9', port: 40000 });
      expect(t.counters.conflicts).toEqual(policy === 'flag' ? { flagged: 1 } : { dropped: 1 });
      expect(t.registry.stats().samples).toBe(policy === 'flag' ? 1 : 0);
      expect(t.events.filter((e) => e.type === 'provider:conflict')).toHaveLength(1);
      expect(t.registry.catalog().providers[0].conflicts).toMatchObject({
        count: 1,
        owner: '127.0.0.1:40000',
        lastAddress: '127.0.0.9:40000',
      });
    }
  });

  it('ignores host 0xFFFF and messages addressed to another host', async () => {
    const t = setup({ hostId: 0x1234 });
    await t.node.start();
    t.deliver(values(ALL_HOSTS, 0, [1]));
    t.deliver(values(PROVIDER, 0, [1], OTHER));
    t.deliver(ping(PROVIDER, OTHER));
    expect(t.counters.ignored).toMatchObject({ fromAllHosts: 1, notForUs: 2 });
    expect(t.registry.catalog().channels).toHaveLength(0);
    expect(t.sent.filter((f) => f.type === 'Pong')).toHaveLength(0);
  });

  it('answers a Ping to us or to all with a Pong per spec', async () => {
    const t = setup({ hostId: 0x1234 });
    await t.node.start();
    t.deliver(ping(PROVIDER, 0x1234, 0xfffffff0));
    t.deliver(ping(OTHER, ALL_HOSTS, 7));
    const pongs = t.sent.filter((f) => f.type === 'Pong');
    expect(pongs).toHaveLength(2);
    expect(pongs[0]).toMatchObject({
      type: 'Pong',
      host: 0x1234,
      destination: PROVIDER,
      version: 1,
      hostTs: 0xfffffff0,
      remoteTs: u32Clock(Date.now()),
      echo: new Uint8Array([1, 2, 3]),
    });
    expect(pongs[1]).toMatchObject({ destination: OTHER, hostTs: 7 });
    // Our own sequence numbers advance by one per message.
    const seqs = t.sent.map((f) => f.seq);
    for (let i = 1; i < seqs.length; i++) expect(seqs[i]).toBe((seqs[i - 1] + 1) & 0xff);
  });

  it('asks for ChannelInfo at most once per 2 s per host while channels are provisional', async () => {
    const t = setup({ hostId: 0x1234, requestInfoIntervalMs: 2000, offlineAfterMs: 60_000 });
    await t.node.start();
    const requests = () => t.sent.filter((f) => f.type === 'RequestChannelInfo');
    t.deliver(values(PROVIDER, 0, [7, 8]));
    expect(requests()).toHaveLength(1);
    expect(requests()[0]).toMatchObject({ host: 0x1234, destination: PROVIDER });
    t.deliver(values(PROVIDER, 1, [7, 8]));
    await vi.advanceTimersByTimeAsync(1500);
    t.deliver(values(PROVIDER, 2, [7]));
    expect(requests()).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(600);
    t.deliver(values(PROVIDER, 3, [7]));
    expect(requests()).toHaveLength(2);
    t.deliver(
      info(PROVIDER, 4, [
        [7, 'Digital RPM 1'],
        [8, 'Digital RPM 2'],
      ]),
    );
    await vi.advanceTimersByTimeAsync(2500);
    t.deliver(values(PROVIDER, 5, [7, 8]));
    expect(requests()).toHaveLength(2);
  });

  it('pings a provider when first heard and every pingIntervalMs', async () => {
    const t = setup({ hostId: 0x1234, pingIntervalMs: 1000, offlineAfterMs: 60_000 });
    await t.node.start();
    t.deliver(values(PROVIDER, 0, [1]));
    const pings = () => t.sent.filter((f) => f.type === 'Ping' && f.destination === PROVIDER);
    expect(pings()).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(999);
    expect(pings()).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(100);
    expect(pings()).toHaveLength(2);
  });

  it('never puts more than 4 echo bytes in a Ping (the reference library dies on more than 5)', async () => {
    const t = setup({ pingIntervalMs: 100, offlineAfterMs: 60_000 });
    const started = t.node.start();
    await vi.advanceTimersByTimeAsync(60);
    await started;
    t.deliver(values(PROVIDER, 0, [1]));
    t.deliver(values(OTHER, 0, [1]));
    await vi.advanceTimersByTimeAsync(350);
    const pings = t.sent.flatMap((f) => (f.type === 'Ping' ? [f] : []));
    expect(pings.filter((f) => f.host === 0)).toHaveLength(1);
    expect(pings.filter((f) => f.destination === PROVIDER).length).toBeGreaterThanOrEqual(3);
    for (const f of pings) expect(f.echo.length).toBeLessThanOrEqual(MAX_PING_ECHO_BYTES);
    expect(MAX_PING_ECHO_BYTES).toBeLessThanOrEqual(4);
  });

  it('marks a silent provider offline on the timer and online when it speaks again', async () => {
    const t = setup({ hostId: 0x1234, offlineAfterMs: 300, checkIntervalMs: 50 });
    await t.node.start();
    t.deliver(values(PROVIDER, 0, [1]));
    await vi.advanceTimersByTimeAsync(250);
    expect(t.registry.catalog().providers[0].online).toBe(true);
    await vi.advanceTimersByTimeAsync(150);
    expect(t.registry.catalog().providers[0].online).toBe(false);
    expect(t.events.map((e) => e.type)).toContain('provider:offline');
    t.deliver(values(PROVIDER, 1, [1]));
    expect(t.registry.catalog().providers[0].online).toBe(true);
    expect(t.events.filter((e) => e.type === 'provider:online')).toHaveLength(2);
  });

  it('treats a Pong with version >= 10 as incompatible: data ignored, no more pings', async () => {
    const t = setup({ hostId: 0x1234, pingIntervalMs: 100, offlineAfterMs: 60_000 });
    await t.node.start();
    t.deliver(info(PROVIDER, 0, [[1, 'Torque']]));
    t.deliver({
      type: 'Pong',
      key: 0x05,
      host: PROVIDER,
      seq: 1,
      destination: 0x1234,
      version: 10,
      hostTs: 0,
      remoteTs: 0,
      echo: new Uint8Array(),
    });
    expect(t.node.status().incompatible).toEqual([
      { hostId: PROVIDER, hostHex: '0x0A11', name: 'Power Core', version: 10 },
    ]);
    expect(t.events.map((e) => e.type)).toContain('provider:incompatible');
    const before = t.sent.length;
    t.deliver(values(PROVIDER, 2, [1]));
    await vi.advanceTimersByTimeAsync(500);
    expect(t.counters.ignored.incompatible).toBe(1);
    expect(t.registry.stats().samples).toBe(0);
    expect(t.sent.length).toBe(before);
    expect(t.registry.catalog().providers[0]).toMatchObject({ incompatible: true, version: 10 });
  });

  it('never transmits in passive mode and has no host id', async () => {
    const t = setup({ passive: true });
    await t.node.start();
    t.deliver(ping(PROVIDER, ALL_HOSTS));
    t.deliver(values(PROVIDER, 0, [3]));
    await vi.advanceTimersByTimeAsync(11_000);
    expect(t.sent).toHaveLength(0);
    expect(t.node.hostId()).toBeNull();
    expect(t.registry.stats().samples).toBe(1);
  });

  it('counts malformed datagrams by code and keeps going', async () => {
    const t = setup({ hostId: 0x1234 });
    await t.node.start();
    t.deliverRaw(new Uint8Array([2, 0]));
    const bad = encodeFrame(values(PROVIDER, 0, [1]));
    t.deliverRaw(bad.subarray(0, bad.length - 3));
    t.deliver(values(PROVIDER, 1, [1, 2]));
    expect(t.counters.malformed).toEqual({ TOO_SHORT: 1, LENGTH_MISMATCH: 1 });
    expect(t.registry.stats().samples).toBe(2);
  });

  it('bounds the provider table: evicts the least valuable host, keeps named providers with values', async () => {
    const t = setup({ hostId: 0x1234, maxProviders: 2, offlineAfterMs: 300 });
    await t.node.start();
    // Host 1 names its channels and sends values: it stays. Host 2 only sends values.
    t.deliver(info(1, 0, [[1, 'Digital RPM 1']]));
    t.deliver(values(1, 1, [1]));
    t.deliver(values(2, 0, [1]));
    await vi.advanceTimersByTimeAsync(10);
    // A third host evicts host 2 (online, but never named a channel), not host 1.
    t.deliver(values(3, 0, [1]));
    expect(t.counters.evictions).toBe(1);
    expect(t.node.providers().map((p) => p.hostId)).toEqual([1, 3]);
    expect(t.events.some((e) => e.type === 'channel:removed' && e.channel.providerId === 2)).toBe(true);
    // Host 3 becomes valuable too: now a newcomer is refused and counted.
    t.deliver(info(3, 1, [[1, 'Torque']]));
    t.deliver(values(4, 0, [1]));
    expect(t.counters.drops.providers).toBe(1);
    expect(t.node.providers().map((p) => p.hostId)).toEqual([1, 3]);
    // Offline providers make room whatever they sent.
    await vi.advanceTimersByTimeAsync(400);
    t.deliver(values(3, 2, [1]));
    t.deliver(values(4, 1, [1]));
    expect(
      t.node
        .providers()
        .map((p) => p.hostId)
        .sort(),
    ).toEqual([3, 4]);
    expect(t.counters.evictions).toBe(2);
  });

  it('tracks sequence numbers per host, modulo 256', async () => {
    const t = setup({ hostId: 0x1234 });
    await t.node.start();
    for (const seq of [253, 254, 255, 0, 3]) t.deliver(values(PROVIDER, seq, [1]));
    t.deliver(values(OTHER, 9, [1]));
    expect(t.registry.stats().providers['0x0A11']).toEqual({
      received: 5,
      dropped: 2,
      outOfOrder: 0,
      first: 1,
      duplicates: 0,
    });
    expect(t.registry.stats().providers['0x0B22']).toMatchObject({ received: 1, first: 1 });
  });

  it('rejects start when the datagram source fails', async () => {
    const counters = createNodeCounters();
    const registry = createChannelRegistry({}, { counters });
    const node = createJetDriveNode({
      datagrams$: throwError(() => new Error('bind failed, port 22344: EADDRINUSE')),
      sink: registry.sink,
      counters,
    });
    await expect(node.start()).rejects.toThrow(/EADDRINUSE/);
    expect(node.status()).toMatchObject({ state: 'failed', error: 'bind failed, port 22344: EADDRINUSE' });
  });
});
