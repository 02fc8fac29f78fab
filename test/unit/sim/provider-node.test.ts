import { describe, expect, it } from 'vitest';
import { ALL_HOSTS, type DecodedFrame, decodeFrame, encodeFrame } from '../../../server/protocol/index.js';
import { createProviderNode } from '../../../server/sim/provider-node.js';
import { DYNO_CHANNELS } from '../../../server/sim/sim-channels.js';

function node(clock = { ms: 1000 }) {
  let next = 0x2000;
  return createProviderNode({
    name: 'Simulated Dyno',
    channels: DYNO_CHANNELS,
    hostId: 0x1111,
    pickHostId: () => next++,
    clockMs: () => clock.ms,
    mtu: 1400,
  });
}

const decode = (bytes: Uint8Array): DecodedFrame => decodeFrame(bytes);
const ping = (host: number, destination: number): DecodedFrame =>
  decode(
    encodeFrame({
      type: 'Ping',
      key: 0x04,
      host,
      seq: 3,
      destination,
      version: 1,
      hostTs: 42,
      echo: new Uint8Array([1]),
    }),
  );

describe('createProviderNode', () => {
  it('ChannelInfo and ChannelValues carry the host, consecutive seqs and the provider clock', () => {
    const clock = { ms: 5000 };
    const n = node(clock);
    const [info] = n.channelInfo().map((d) => decode(d.bytes));
    expect(info).toMatchObject({ type: 'ChannelInfo', host: 0x1111, seq: 0, destination: ALL_HOSTS });
    clock.ms = 5020;
    const vals = n.values((c) => c.id * 1.5);
    expect(vals).toHaveLength(1);
    const v = decode(vals[0].bytes);
    if (v.type !== 'ChannelValues') throw new Error('not values');
    expect(v.seq).toBe(1);
    expect(v.samples).toHaveLength(16);
    expect(v.samples[3]).toEqual({ channelId: 4, ts: 5020, value: 6 });
  });

  it('wraps seq 255 → 0', () => {
    const n = node();
    const seqs: number[] = [];
    for (let i = 0; i < 260; i++) seqs.push(decode(n.values(() => 0)[0].bytes).seq);
    expect(seqs.slice(254, 258)).toEqual([254, 255, 0, 1]);
  });

  it('splits ChannelInfo at the MTU, repeating the provider name', () => {
    const n = createProviderNode({
      name: 'Big',
      channels: Array.from({ length: 50 }, (_, i) => ({ id: i + 1, name: `Ch ${i}`, unit: 255, read: () => 0 })),
      hostId: 7,
      pickHostId: () => 8,
      clockMs: () => 0,
      mtu: 1400,
    });
    const frames = n.channelInfo().map((d) => decode(d.bytes));
    expect(frames).toHaveLength(2);
    expect(frames.map((f) => f.type === 'ChannelInfo' && [f.providerName, f.channels.length, f.seq])).toEqual([
      ['Big', 39, 0],
      ['Big', 11, 1],
    ]);
  });

  it('answers a Ping addressed to it or to all with a Pong to the pinger, ignores the rest', () => {
    const clock = { ms: 777 };
    const n = node(clock);
    const [pong] = n.handle(ping(0x4242, 0x1111));
    const p = decode(pong.bytes);
    expect(p).toMatchObject({ type: 'Pong', host: 0x1111, destination: 0x4242, hostTs: 42, remoteTs: 777, version: 1 });
    expect(n.handle(ping(0x4242, ALL_HOSTS))).toHaveLength(1);
    expect(n.handle(ping(0x4242, 0x9999))).toEqual([]);
    expect(n.handle(ping(ALL_HOSTS, ALL_HOSTS))).toEqual([]);
    expect(n.handle(ping(0x1111, ALL_HOSTS))).toEqual([]);
    expect(n.stats.pingsAnswered).toBe(2);
  });

  it('answers RequestChannelInfo; picks a new id on a collision (our id as host and destination)', () => {
    const n = node();
    const req = decode(encodeFrame({ type: 'RequestChannelInfo', key: 0x06, host: 5, seq: 0, destination: 0x1111 }));
    expect(n.handle(req).map((d) => d.kind)).toEqual(['info']);
    const out = n.handle(ping(0x1111, 0x1111));
    expect(out.map((d) => [d.kind, decode(d.bytes).host])).toEqual([
      ['clear', 0x1111],
      ['info', 0x2000],
    ]);
    expect(n.hostId).toBe(0x2000);
    expect(n.stats.collisions).toBe(1);
  });

  it('rename sends ClearChannelInfo then the new set; an unknown id is an error naming it', () => {
    const n = node();
    const out = n.renameChannel(11, 'MAP kPa').map((d) => decode(d.bytes));
    expect(out[0].type).toBe('ClearChannelInfo');
    expect(out[1].type === 'ChannelInfo' && out[1].channels.find((c) => c.channelId === 11)?.name).toBe('MAP kPa');
    expect(() => n.renameChannel(99, 'x')).toThrow(/channelId 99/);
  });
});

describe('answer limit', () => {
  it('answers at most maxAnswersPerS Pings/requests per second and counts the rest', () => {
    const clock = { ms: 0 };
    const n = createProviderNode({
      name: 'P',
      channels: DYNO_CHANNELS,
      hostId: 0x1111,
      pickHostId: () => 2,
      clockMs: () => clock.ms,
      mtu: 1400,
      maxAnswersPerS: 3,
    });
    const answered = () => n.handle(ping(0x4242, ALL_HOSTS)).length;
    expect([answered(), answered(), answered(), answered()]).toEqual([1, 1, 1, 0]);
    expect(n.stats.answersSuppressed).toBe(1);
    clock.ms = 1000;
    expect(answered()).toBe(1);
  });
});
