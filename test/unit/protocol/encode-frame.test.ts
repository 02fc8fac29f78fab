import { describe, expect, it } from 'vitest';
import type { ChannelInfoMessage, FrameEncodeErrorCode, JetDriveMessage } from '../../../server/protocol/index.js';
import { decodeFrame, encodeFrame, FrameEncodeError } from '../../../server/protocol/index.js';
import { decoded, VECTORS } from './vectors.js';

function encodeError(message: JetDriveMessage): FrameEncodeError {
  try {
    encodeFrame(message);
  } catch (error) {
    if (error instanceof FrameEncodeError) return error;
    throw error;
  }
  throw new Error('expected encodeFrame to throw');
}

describe('encodeFrame: valid vectors', () => {
  it.each(VECTORS)('encodes $name', ({ bytes, message }) => {
    expect(Array.from(encodeFrame(message))).toEqual(bytes);
  });

  it.each(VECTORS)('round trips $name (bytes → message → bytes, message → bytes → message)', ({ bytes, message }) => {
    expect(Array.from(encodeFrame(decodeFrame(new Uint8Array(bytes))))).toEqual(bytes);
    expect(decodeFrame(encodeFrame(message))).toEqual(decoded(message));
  });

  it('re-encodes a frame decoded from a pooled Buffer with only its own bytes', () => {
    const { bytes } = VECTORS[0];
    const pool = Buffer.alloc(2048, 0x77);
    pool.set(bytes, 300);
    expect(Array.from(encodeFrame(decodeFrame(pool.subarray(300, 300 + bytes.length))))).toEqual(bytes);
  });

  it('drops what was reported as trailing or partial, giving the canonical datagram', () => {
    const values = VECTORS.find((v) => v.message.type === 'ChannelValues')!;
    const padded = [...values.bytes, 0, 0];
    expect(Array.from(encodeFrame(decodeFrame(new Uint8Array(padded))))).toEqual(values.bytes);
  });
});

describe('encodeFrame: names', () => {
  const base: ChannelInfoMessage = {
    type: 'ChannelInfo',
    key: 0x01,
    host: 1,
    seq: 0,
    destination: 0xffff,
    providerName: 'P',
    channels: [{ channelId: 1, vendor: 0, name: '', unit: 255 }],
  };
  const NAME_AT = 8 + 50 + 3;

  function nameField(name: string): number[] {
    const bytes = encodeFrame({ ...base, channels: [{ ...base.channels[0], name }] });
    return Array.from(bytes.subarray(NAME_AT, NAME_AT + 30));
  }
  function roundTripName(name: string): string {
    const frame = decodeFrame(encodeFrame({ ...base, channels: [{ ...base.channels[0], name }] }));
    if (frame.type !== 'ChannelInfo') throw new Error(`expected ChannelInfo, got ${frame.type}`);
    return frame.channels[0].name;
  }

  it('NUL-pads a short name', () => {
    expect(nameField('MAP')).toEqual([0x4d, 0x41, 0x50, ...new Array<number>(27).fill(0)]);
  });

  it('truncates a long ASCII name to 30 bytes', () => {
    expect(roundTripName('Air/Fuel Ratio 1 (wideband, front cylinder)')).toBe('Air/Fuel Ratio 1 (wideband, fr');
  });

  it.each([
    { name: 'é'.repeat(20), expected: 'é'.repeat(15), bytes: 30 }, // 2-byte characters, cut exactly at 30
    { name: 'a' + '€'.repeat(10), expected: 'a' + '€'.repeat(9), bytes: 28 }, // byte 30 falls inside a €
    { name: '😀'.repeat(8), expected: '😀'.repeat(7), bytes: 28 }, // 4-byte characters
  ])('truncates $name on a character boundary', ({ name, expected, bytes }) => {
    expect(roundTripName(name)).toBe(expected);
    const encoded = nameField(name);
    expect(encoded.slice(bytes)).toEqual(new Array<number>(30 - bytes).fill(0));
    expect(encoded[bytes - 1]).not.toBe(0);
  });

  it('truncates the provider name to 50 bytes', () => {
    const frame = decodeFrame(encodeFrame({ ...base, providerName: 'Dynojet Power Core '.repeat(4) }));
    expect(frame.type === 'ChannelInfo' && frame.providerName).toBe('Dynojet Power Core '.repeat(4).slice(0, 50));
  });

  it('ends a name at an embedded NUL, as decoding would', () => {
    expect(nameField('AB\0CD')).toEqual([0x41, 0x42, ...new Array<number>(28).fill(0)]);
    expect(roundTripName('AB\0CD')).toBe('AB');
  });

  it('turns a lone surrogate into U+FFFD rather than throwing', () => {
    expect(roundTripName('x\uD800y')).toBe('x\uFFFDy');
  });
});

describe('encodeFrame: floats', () => {
  it('writes NaN canonically and keeps ±Infinity and -0', () => {
    const bytes = encodeFrame({
      type: 'ChannelValues',
      key: 0x02,
      host: 1,
      seq: 0,
      destination: 0xffff,
      samples: [
        { channelId: 1, ts: 0, value: Number.NaN },
        { channelId: 2, ts: 0, value: Number.NEGATIVE_INFINITY },
        { channelId: 3, ts: 0, value: -0 },
      ],
    });
    expect(Array.from(bytes.subarray(14, 18))).toEqual([0x00, 0x00, 0xc0, 0x7f]);
    expect(Array.from(bytes.subarray(24, 28))).toEqual([0x00, 0x00, 0x80, 0xff]);
    expect(Array.from(bytes.subarray(34, 38))).toEqual([0x00, 0x00, 0x00, 0x80]);
  });

  it('rounds a double to the nearest float32', () => {
    const frame = decodeFrame(
      encodeFrame({
        type: 'RequestLoadControl',
        key: 0x11,
        host: 1,
        seq: 0,
        destination: 2,
        enable: 1,
        controlType: 1,
        target: 0.1,
      }),
    );
    expect(frame.type === 'RequestLoadControl' && frame.target).toBe(Math.fround(0.1));
  });
});

describe('encodeFrame: validation', () => {
  const values: JetDriveMessage = {
    type: 'ChannelValues',
    key: 0x02,
    host: 1,
    seq: 0,
    destination: 0xffff,
    samples: [{ channelId: 1, ts: 0, value: 1 }],
  };
  const ping: JetDriveMessage = {
    type: 'Ping',
    key: 0x04,
    host: 1,
    seq: 0,
    destination: 0xffff,
    version: 1,
    hostTs: 0,
    echo: new Uint8Array(0),
  };
  const sample = { channelId: 1, ts: 0, value: 1 };
  const channel = { channelId: 1, vendor: 0, name: 'x', unit: 0 };
  const info: JetDriveMessage = {
    type: 'ChannelInfo',
    key: 0x01,
    host: 1,
    seq: 0,
    destination: 0xffff,
    providerName: 'p',
    channels: [channel],
  };

  const cases: Array<{
    name: string;
    message: JetDriveMessage;
    code: FrameEncodeErrorCode;
    field: string;
    text: RegExp;
  }> = [
    {
      name: 'host above u16',
      message: { ...values, host: 70000 },
      code: 'VALUE_OUT_OF_RANGE',
      field: 'host',
      text: /host must be an integer 0\.\.65535, got 70000/,
    },
    {
      name: 'negative seq',
      message: { ...values, seq: -1 },
      code: 'VALUE_OUT_OF_RANGE',
      field: 'seq',
      text: /seq must be an integer 0\.\.255, got -1/,
    },
    { name: 'seq 256', message: { ...values, seq: 256 }, code: 'VALUE_OUT_OF_RANGE', field: 'seq', text: /got 256/ },
    {
      name: 'fractional seq',
      message: { ...values, seq: 1.5 },
      code: 'VALUE_OUT_OF_RANGE',
      field: 'seq',
      text: /got 1\.5/,
    },
    {
      name: 'NaN destination',
      message: { ...values, destination: Number.NaN },
      code: 'VALUE_OUT_OF_RANGE',
      field: 'destination',
      text: /got NaN/,
    },
    {
      name: 'channel id above u16',
      message: { ...values, samples: [sample, { ...sample, channelId: 65536 }] },
      code: 'VALUE_OUT_OF_RANGE',
      field: 'samples[1].channelId',
      text: /samples\[1\]\.channelId must be an integer 0\.\.65535, got 65536/,
    },
    {
      name: 'ts above u32',
      message: { ...values, samples: [{ ...sample, ts: 2 ** 32 }] },
      code: 'VALUE_OUT_OF_RANGE',
      field: 'samples[0].ts',
      text: /4294967295, got 4294967296/,
    },
    {
      name: 'value not a number',
      message: { ...values, samples: [{ ...sample, value: '1' as unknown as number }] },
      code: 'VALUE_OUT_OF_RANGE',
      field: 'samples[0].value',
      text: /must be a number, got string/,
    },
    {
      name: 'unit 256',
      message: { ...info, channels: [{ ...channel, unit: 256 }] },
      code: 'VALUE_OUT_OF_RANGE',
      field: 'channels[0].unit',
      text: /got 256/,
    },
    {
      name: 'vendor -1',
      message: { ...info, channels: [{ ...channel, vendor: -1 }] },
      code: 'VALUE_OUT_OF_RANGE',
      field: 'channels[0].vendor',
      text: /got -1/,
    },
    {
      name: 'Ping version 256',
      message: { ...ping, version: 256 },
      code: 'VALUE_OUT_OF_RANGE',
      field: 'version',
      text: /version/,
    },
    {
      name: 'Ping hostTs -1',
      message: { ...ping, hostTs: -1 },
      code: 'VALUE_OUT_OF_RANGE',
      field: 'hostTs',
      text: /hostTs/,
    },
    {
      name: 'LoggingResponse timestamp above u32',
      message: { type: 'LoggingResponse', key: 0x20, host: 1, seq: 0, destination: 2, state: 1, timestamp: 2 ** 33 },
      code: 'VALUE_OUT_OF_RANGE',
      field: 'timestamp',
      text: /timestamp/,
    },
    {
      name: 'LoadControl enable 300',
      message: {
        type: 'RequestLoadControl',
        key: 0x11,
        host: 1,
        seq: 0,
        destination: 2,
        enable: 300,
        controlType: 0,
        target: 0,
      },
      code: 'VALUE_OUT_OF_RANGE',
      field: 'enable',
      text: /enable must be an integer 0\.\.255, got 300/,
    },
    {
      name: 'RequestBrake command 1000',
      message: { type: 'RequestBrake', key: 0x12, host: 1, seq: 0, destination: 2, command: 1000 },
      code: 'VALUE_OUT_OF_RANGE',
      field: 'command',
      text: /command/,
    },
    {
      name: 'too many samples for the u16 length',
      message: { ...values, samples: new Array(6554).fill(sample) },
      code: 'VALUE_TOO_LONG',
      field: 'length',
      text: /ChannelValues value is 65540 bytes, the length field holds at most 65535/,
    },
    {
      name: 'echo too long',
      message: { ...ping, echo: new Uint8Array(65531) },
      code: 'VALUE_TOO_LONG',
      field: 'length',
      text: /65536/,
    },
    {
      name: 'Unknown with a known key',
      message: { type: 'Unknown', key: 0x02, host: 1, seq: 0, destination: 2, value: new Uint8Array(0) },
      code: 'KNOWN_KEY_AS_UNKNOWN',
      field: 'key',
      text: /key 0x02 is a known key/,
    },
    {
      name: 'Unknown with key 256',
      message: { type: 'Unknown', key: 256, host: 1, seq: 0, destination: 2, value: new Uint8Array(0) },
      code: 'VALUE_OUT_OF_RANGE',
      field: 'key',
      text: /key must be an integer 0\.\.255, got 256/,
    },
  ];

  it.each(cases)('$name → $code on $field', ({ message, code, field, text }) => {
    const error = encodeError(message);
    expect(error.name).toBe('FrameEncodeError');
    expect(error.code).toBe(code);
    expect(error.field).toBe(field);
    expect(error.message).toMatch(text);
  });

  it('accepts the largest values that fit', () => {
    const bytes = encodeFrame({
      ...values,
      host: 0xffff,
      seq: 255,
      destination: 0xffff,
      samples: new Array(6553).fill({ channelId: 0xffff, ts: 2 ** 32 - 1, value: 1 }),
    });
    expect(bytes.length).toBe(8 + 65530);
    expect(decodeFrame(bytes)).toMatchObject({ host: 0xffff, seq: 255, partialRecordBytes: 0 });
  });
});
