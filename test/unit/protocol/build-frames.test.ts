import { describe, expect, it } from 'vitest';
import type { ChannelInfoRecord, ChannelSample } from '../../../server/protocol/index.js';
import {
  ALL_HOSTS,
  buildChannelInfoFrames,
  buildChannelInfoMessages,
  buildChannelValuesFrames,
  buildChannelValuesMessages,
  decodeFrame,
  FrameEncodeError,
  readHeader,
} from '../../../server/protocol/index.js';

// 42 channels named like a Power Core's (25–60 per provider are common).
const POWER_CORE_NAMES = [
  'Digital RPM 1',
  'Digital RPM 2',
  'Force Drum 1',
  'Power',
  'Torque',
  'Speed',
  'Air/Fuel Ratio 1',
  'Air/Fuel Ratio 2',
  'Lambda 1',
  'MAP',
  'TPS',
  'Humidity',
  'Pressure',
  'Temperature 1',
];
const POWER_CORE: ChannelInfoRecord[] = Array.from({ length: 42 }, (_, i) => ({
  channelId: 100 + i,
  vendor: 0,
  name: i < POWER_CORE_NAMES.length ? POWER_CORE_NAMES[i] : `Analog ${i - POWER_CORE_NAMES.length + 1}`,
  unit: i % 17,
}));

function channelsOf(frame: Uint8Array): ChannelInfoRecord[] {
  const decoded = decodeFrame(frame);
  if (decoded.type !== 'ChannelInfo') throw new Error(`expected ChannelInfo, got ${decoded.type}`);
  return decoded.channels;
}

describe('buildChannelInfoFrames', () => {
  it('splits a 42-channel Power Core into 39 + 3, repeating the provider name', () => {
    const frames = buildChannelInfoFrames({
      host: 0x4321,
      seqStart: 10,
      providerName: 'Power Core',
      channels: POWER_CORE,
    });
    expect(frames).toHaveLength(2);
    expect(frames.map((f) => readHeader(f).length)).toEqual([50 + 39 * 34, 50 + 3 * 34]);
    expect(frames.map((f) => f.length)).toEqual([8 + 1376, 8 + 152]);
    const decoded = frames.map((f) => decodeFrame(f));
    expect(decoded.map((d) => [d.type, d.host, d.seq, d.destination])).toEqual([
      ['ChannelInfo', 0x4321, 10, ALL_HOSTS],
      ['ChannelInfo', 0x4321, 11, ALL_HOSTS],
    ]);
    expect(decoded.map((d) => d.type === 'ChannelInfo' && d.providerName)).toEqual(['Power Core', 'Power Core']);
    expect(frames.map((f) => channelsOf(f).length)).toEqual([39, 3]);
    expect([...channelsOf(frames[0]), ...channelsOf(frames[1])]).toEqual(POWER_CORE);
    expect(decoded.every((d) => d.partialRecordBytes === 0 && d.trailingBytes === 0)).toBe(true);
  });

  it('fits exactly 39 records in one message and starts a second at 40', () => {
    expect(buildChannelInfoFrames({ host: 1, providerName: 'p', channels: POWER_CORE.slice(0, 39) })).toHaveLength(1);
    expect(buildChannelInfoFrames({ host: 1, providerName: 'p', channels: POWER_CORE.slice(0, 40) })).toHaveLength(2);
  });

  it('sends one message with no records for a provider without channels', () => {
    const frames = buildChannelInfoFrames({ host: 1, providerName: 'Atmo', channels: [] });
    expect(frames).toHaveLength(1);
    expect(decodeFrame(frames[0])).toMatchObject({ type: 'ChannelInfo', providerName: 'Atmo', channels: [] });
  });

  it('wraps seq 255 → 0 and honours destination', () => {
    const frames = buildChannelInfoFrames({
      host: 1,
      destination: 7,
      seqStart: 255,
      providerName: 'p',
      channels: POWER_CORE,
    });
    expect(frames.map((f) => readHeader(f))).toMatchObject([
      { seq: 255, destination: 7 },
      { seq: 0, destination: 7 },
    ]);
  });

  it('splits at a smaller MTU', () => {
    // 50 + 2 * 34 = 118: two records per message
    const frames = buildChannelInfoFrames({ host: 1, providerName: 'p', channels: POWER_CORE.slice(0, 5), mtu: 118 });
    expect(frames.map((f) => channelsOf(f).length)).toEqual([2, 2, 1]);
    expect(() => buildChannelInfoFrames({ host: 1, providerName: 'p', channels: POWER_CORE, mtu: 83 })).toThrow(
      /mtu 83 fits no ChannelInfo record \(needs 84 bytes\)/,
    );
  });

  it('truncates names on a UTF-8 boundary and returns messages equal to what is decoded', () => {
    const opts = {
      host: 1,
      // 49 ASCII bytes then 'ö' (2 bytes): byte 50 falls inside it
      providerName: 'Dynojet Power Core, Bay 3, Shop Unterfoehring Eas' + 'ö',
      // 'Température moteur cylindre ' is 29 bytes; the following 'é' straddles byte 30
      channels: [{ channelId: 1, vendor: 0, name: 'Température moteur cylindre éé', unit: 6 }],
    };
    const messages = buildChannelInfoMessages(opts);
    expect(messages[0].providerName).toBe('Dynojet Power Core, Bay 3, Shop Unterfoehring Eas');
    expect(messages[0].channels[0].name).toBe('Température moteur cylindre ');
    expect(opts.channels[0].name).toBe('Température moteur cylindre éé');
    const frames = buildChannelInfoFrames(opts);
    expect(decodeFrame(frames[0])).toMatchObject(messages[0]);
    // the cut half character is not written: NUL padding follows the name
    expect(Array.from(frames[0].subarray(8 + 50 + 3 + 29, 8 + 50 + 3 + 30))).toEqual([0]);
  });

  it('rejects an out-of-range channel id with a FrameEncodeError naming it', () => {
    expect(() =>
      buildChannelInfoFrames({
        host: 1,
        providerName: 'p',
        channels: [{ channelId: 70000, vendor: 0, name: 'x', unit: 0 }],
      }),
    ).toThrow(FrameEncodeError);
  });
});

describe('buildChannelValuesFrames', () => {
  const samples: ChannelSample[] = Array.from({ length: 300 }, (_, i) => ({
    channelId: i % 42,
    ts: 1000 + i,
    value: i * 0.5,
  }));

  it('splits 300 samples into 140 + 140 + 20 in order', () => {
    const frames = buildChannelValuesFrames({ host: 9, seqStart: 3, samples });
    expect(frames.map((f) => f.length)).toEqual([1408, 1408, 208]);
    const decoded = frames.map((f) => decodeFrame(f));
    expect(decoded.map((d) => d.seq)).toEqual([3, 4, 5]);
    expect(decoded.flatMap((d) => (d.type === 'ChannelValues' ? d.samples : []))).toEqual(samples);
  });

  it('returns no frames for no samples', () => {
    expect(buildChannelValuesFrames({ host: 1, samples: [] })).toEqual([]);
  });

  it('splits at a smaller MTU and refuses one that fits no record', () => {
    expect(
      buildChannelValuesMessages({ host: 1, samples: samples.slice(0, 7), mtu: 25 }).map((m) => m.samples.length),
    ).toEqual([2, 2, 2, 1]);
    expect(() => buildChannelValuesFrames({ host: 1, samples, mtu: 9 })).toThrow(/mtu 9 fits no ChannelValues record/);
    expect(() => buildChannelValuesFrames({ host: 1, samples, mtu: 70000 })).toThrow(
      /mtu must be an integer 0\.\.65535/,
    );
  });

  it('defaults destination to ALL_HOSTS and wraps seq', () => {
    const messages = buildChannelValuesMessages({ host: 1, seqStart: 254, samples });
    expect(messages.map((m) => [m.seq, m.destination])).toEqual([
      [254, ALL_HOSTS],
      [255, ALL_HOSTS],
      [0, ALL_HOSTS],
    ]);
  });
});
