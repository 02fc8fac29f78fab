import { describe, expect, it } from 'vitest';
import type { DecodedFrame, FrameErrorCode } from '../../../server/protocol/index.js';
import { decodeFrame, FrameDecodeError } from '../../../server/protocol/index.js';
import { decoded, field, VECTORS } from './vectors.js';

function decodeError(bytes: number[] | Uint8Array): FrameDecodeError {
  try {
    decodeFrame(bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes));
  } catch (error) {
    if (error instanceof FrameDecodeError) return error;
    throw error;
  }
  throw new Error('expected decodeFrame to throw');
}

function header(key: number, length: number): number[] {
  return [key, length & 0xff, length >> 8, 0x01, 0x00, 0x00, 0xff, 0xff];
}

describe('decodeFrame: valid vectors', () => {
  it.each(VECTORS)('$name', ({ bytes, message }) => {
    expect(decodeFrame(new Uint8Array(bytes))).toEqual(decoded(message));
  });

  it('every strict prefix of every vector throws FrameDecodeError and nothing else', () => {
    let prefixes = 0;
    for (const { bytes } of VECTORS) {
      for (let n = 0; n < bytes.length; n++) {
        const error = decodeError(bytes.slice(0, n));
        expect(['TOO_SHORT', 'LENGTH_MISMATCH']).toContain(error.code);
        prefixes++;
      }
    }
    expect(prefixes).toBe(VECTORS.reduce((sum, v) => sum + v.bytes.length, 0));
  });
});

describe('decodeFrame: error vectors', () => {
  const cases: Array<{ name: string; bytes: number[]; code: FrameErrorCode; offset: number; message: RegExp }> = [
    { name: 'empty datagram', bytes: [], code: 'TOO_SHORT', offset: 0, message: /key at offset 0 .* has 0 byte/ },
    { name: 'key only', bytes: [0x02], code: 'TOO_SHORT', offset: 1, message: /length at offset 1 needs 2/ },
    { name: 'half a length', bytes: [0x02, 0x00], code: 'TOO_SHORT', offset: 1, message: /length/ },
    { name: 'half a host', bytes: [0x02, 0x00, 0x00, 0x01], code: 'TOO_SHORT', offset: 3, message: /host/ },
    { name: 'no seq', bytes: [0x02, 0x00, 0x00, 0x01, 0x00], code: 'TOO_SHORT', offset: 5, message: /seq/ },
    {
      name: 'half a destination',
      bytes: [0x02, 0x00, 0x00, 0x01, 0x00, 0x00, 0xff],
      code: 'TOO_SHORT',
      offset: 6,
      message: /destination at offset 6 needs 2 byte\(s\), datagram has 7/,
    },
    {
      name: 'length says 10, 9 value bytes present',
      bytes: [...header(0x02, 10), 1, 2, 3, 4, 5, 6, 7, 8, 9],
      code: 'LENGTH_MISMATCH',
      offset: 1,
      message: /says 10 value byte\(s\), datagram has 9/,
    },
    {
      name: 'length 0xFFFF on a short datagram',
      bytes: header(0x02, 0xffff),
      code: 'LENGTH_MISMATCH',
      offset: 1,
      message: /65535/,
    },
    {
      name: 'ChannelInfo shorter than the provider name',
      bytes: [...header(0x01, 49), ...new Array<number>(49).fill(0x41)],
      code: 'BAD_CHANNEL_INFO_LENGTH',
      offset: 8,
      message: /providerName at offset 8 needs 50 bytes, value length is 49/,
    },
    {
      name: 'empty ChannelInfo',
      bytes: header(0x01, 0),
      code: 'BAD_CHANNEL_INFO_LENGTH',
      offset: 8,
      message: /value length is 0/,
    },
    {
      name: 'Ping without version',
      bytes: header(0x04, 0),
      code: 'TRUNCATED_FIELD',
      offset: 8,
      message: /Ping version/,
    },
    {
      name: 'Ping with half a host_ts',
      bytes: [...header(0x04, 3), 0x01, 0x02, 0x03],
      code: 'TRUNCATED_FIELD',
      offset: 9,
      message: /Ping hostTs at offset 9 needs 4 byte\(s\), value has 2 left/,
    },
    {
      name: 'Pong without remote_ts',
      bytes: [...header(0x05, 8), 0x01, 1, 2, 3, 4, 5, 6, 7],
      code: 'TRUNCATED_FIELD',
      offset: 13,
      message: /Pong remoteTs at offset 13 needs 4 byte\(s\), value has 3 left/,
    },
    {
      name: 'RequestLogging without command',
      bytes: header(0x10, 0),
      code: 'TRUNCATED_FIELD',
      offset: 8,
      message: /RequestLogging command/,
    },
    {
      name: 'LoggingResponse without state',
      bytes: header(0x20, 0),
      code: 'TRUNCATED_FIELD',
      offset: 8,
      message: /LoggingResponse state/,
    },
    {
      name: 'LoggingResponse with a partial timestamp',
      bytes: [...header(0x20, 5), 0x01, 0x00, 0x00, 0x01, 0x02],
      code: 'TRUNCATED_FIELD',
      offset: 11,
      message: /LoggingResponse timestamp at offset 11 needs 4 byte\(s\), value has 2 left/,
    },
    {
      name: 'RequestLoadControl without type',
      bytes: [...header(0x11, 1), 0x01],
      code: 'TRUNCATED_FIELD',
      offset: 9,
      message: /RequestLoadControl controlType/,
    },
    {
      name: 'LoadControlResponse with a partial target',
      bytes: [...header(0x21, 5), 0x01, 0x00, 0x00, 0x00, 0x00],
      code: 'TRUNCATED_FIELD',
      offset: 10,
      message: /LoadControlResponse target at offset 10 needs 4/,
    },
    {
      name: 'RequestBrake without command',
      bytes: header(0x12, 0),
      code: 'TRUNCATED_FIELD',
      offset: 8,
      message: /RequestBrake/,
    },
    {
      name: 'BrakeResponse without state',
      bytes: header(0x22, 0),
      code: 'TRUNCATED_FIELD',
      offset: 8,
      message: /BrakeResponse/,
    },
  ];

  it.each(cases)('$name → $code at $offset', ({ bytes, code, offset, message }) => {
    const error = decodeError(bytes);
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('FrameDecodeError');
    expect(error.code).toBe(code);
    expect(error.offset).toBe(offset);
    expect(error.message).toMatch(message);
  });
});

describe('decodeFrame: what is whole is decoded, the rest reported', () => {
  const values = VECTORS.find((v) => v.name.startsWith('ChannelValues'))!;
  const info = VECTORS.find((v) => v.name.startsWith('ChannelInfo'))!;

  it('counts bytes after 8 + length as trailingBytes', () => {
    const frame = decodeFrame(new Uint8Array([...values.bytes, 0xde, 0xad, 0xbe]));
    expect(frame).toEqual({ ...decoded(values.message), trailingBytes: 3 });
  });

  it('keeps the whole ChannelValues records and reports a partial last one', () => {
    // length 23: two whole 10-byte records and 3 bytes of a third
    const bytes = [...header(0x02, 23), ...values.bytes.slice(8, 28), 0x03, 0x00, 0x00];
    const frame = decodeFrame(new Uint8Array(bytes));
    expect(frame.type).toBe('ChannelValues');
    expect(frame.partialRecordBytes).toBe(3);
    expect(frame.trailingBytes).toBe(0);
    expect(frame.type === 'ChannelValues' && frame.samples).toEqual([
      { channelId: 1, ts: 1000, value: 3000 },
      { channelId: 0x0102, ts: 0xffffffff, value: -40.25 },
    ]);
  });

  it('decodes a ChannelValues value shorter than one record as no samples', () => {
    const frame = decodeFrame(new Uint8Array([...header(0x02, 9), 1, 2, 3, 4, 5, 6, 7, 8, 9]));
    expect(frame).toMatchObject({ type: 'ChannelValues', samples: [], partialRecordBytes: 9 });
  });

  it('keeps the whole ChannelInfo records and reports a partial last one', () => {
    // length 50 + 34 + 5: provider name, first record, 5 bytes of the second
    const bytes = [...header(0x01, 89), ...info.bytes.slice(8, 8 + 84), 0x02, 0x01, 0x03, 0x41, 0x42];
    const frame = decodeFrame(new Uint8Array(bytes));
    expect(frame).toMatchObject({
      type: 'ChannelInfo',
      providerName: 'Power Core',
      channels: [{ channelId: 1, vendor: 0, name: 'Digital RPM 1', unit: 8 }],
      partialRecordBytes: 5,
    });
  });

  it('decodes a ChannelInfo of exactly the provider name as a provider with no channels', () => {
    const frame = decodeFrame(new Uint8Array([...header(0x01, 50), ...field('Atmo probe', 50)]));
    expect(frame).toMatchObject({
      type: 'ChannelInfo',
      providerName: 'Atmo probe',
      channels: [],
      partialRecordBytes: 0,
    });
  });

  it('reports value bytes beyond a fixed layout as extraValueBytes', () => {
    expect(decodeFrame(new Uint8Array([...header(0x03, 2), 1, 2]))).toMatchObject({
      type: 'ClearChannelInfo',
      extraValueBytes: 2,
    });
    expect(decodeFrame(new Uint8Array([...header(0x06, 1), 1]))).toMatchObject({
      type: 'RequestChannelInfo',
      extraValueBytes: 1,
    });
    expect(decodeFrame(new Uint8Array([...header(0x12, 3), 1, 9, 9]))).toMatchObject({
      command: 1,
      extraValueBytes: 2,
    });
    expect(decodeFrame(new Uint8Array([...header(0x20, 9), 1, 0, 0, 5, 0, 0, 0, 9, 9]))).toMatchObject({
      state: 1,
      timestamp: 5,
      extraValueBytes: 2,
    });
    expect(decodeFrame(new Uint8Array([...header(0x11, 7), 1, 2, 0, 0, 0xc0, 0x3f, 9]))).toMatchObject({
      enable: 1,
      controlType: 2,
      target: 1.5,
      extraValueBytes: 1,
    });
  });

  it('decodes an unknown key with an empty value', () => {
    expect(decodeFrame(new Uint8Array(header(0xfe, 0)))).toEqual({
      type: 'Unknown',
      key: 0xfe,
      host: 1,
      seq: 0,
      destination: 0xffff,
      value: new Uint8Array(0),
      trailingBytes: 0,
      partialRecordBytes: 0,
      extraValueBytes: 0,
    });
  });

  it('decodes host 0xFFFF as is (ignoring it is the node’s job)', () => {
    expect(decodeFrame(new Uint8Array([0x03, 0, 0, 0xff, 0xff, 0, 0xff, 0xff]))).toMatchObject({ host: 0xffff });
  });
});

describe('decodeFrame: strings', () => {
  function channelName(nameField: number[]): string {
    const frame = decodeFrame(new Uint8Array([...header(0x01, 84), ...field('P', 50), 1, 0, 0, ...nameField, 255]));
    if (frame.type !== 'ChannelInfo') throw new Error(`expected ChannelInfo, got ${frame.type}`);
    return frame.channels[0].name;
  }

  it('replaces invalid UTF-8 instead of throwing', () => {
    expect(channelName([0xff, 0xfe, 0x41, ...new Array<number>(27).fill(0)])).toBe('\uFFFD\uFFFDA');
  });

  it('replaces a character cut by the end of the field', () => {
    // 29 'a' then the first byte of a 2-byte character, no NUL
    expect(channelName([...new Array<number>(29).fill(0x61), 0xc3])).toBe('a'.repeat(29) + '\uFFFD');
  });

  it('cuts at the first NUL and ignores what follows', () => {
    expect(channelName([0x41, 0x42, 0x00, 0x43, 0x44, ...new Array<number>(25).fill(0)])).toBe('AB');
  });

  it('reads a name that fills the field without a NUL', () => {
    expect(channelName(new Array<number>(30).fill(0x5a))).toBe('Z'.repeat(30));
  });

  it('keeps a leading byte order mark', () => {
    expect(channelName([0xef, 0xbb, 0xbf, 0x41, ...new Array<number>(26).fill(0)])).toBe('\uFEFFA');
  });
});

describe('decodeFrame: float32 specials', () => {
  it.each([
    { bytes: [0x00, 0x00, 0x80, 0xff], value: Number.NEGATIVE_INFINITY },
    { bytes: [0x00, 0x00, 0x00, 0x80], value: -0 },
    { bytes: [0x01, 0x00, 0xc0, 0xff], value: Number.NaN },
    { bytes: [0x01, 0x00, 0x00, 0x00], value: 1.401298464324817e-45 },
  ])('decodes $value as a number', ({ bytes, value }) => {
    const frame = decodeFrame(new Uint8Array([...header(0x02, 10), 1, 0, 0, 0, 0, 0, ...bytes]));
    if (frame.type !== 'ChannelValues') throw new Error(`expected ChannelValues, got ${frame.type}`);
    expect(typeof frame.samples[0].value).toBe('number');
    expect(Object.is(frame.samples[0].value, value)).toBe(true);
  });
});

describe('decodeFrame: pooled buffers', () => {
  it.each(VECTORS)('decodes $name from a view at a non-zero offset in a shared pool', ({ bytes, message }) => {
    // Like a socket Buffer: the datagram sits in the middle of a larger ArrayBuffer full of other data.
    const pool = Buffer.alloc(4096, 0xee);
    const offset = 1001;
    pool.set(bytes, offset);
    const view = pool.subarray(offset, offset + bytes.length);
    expect(view.byteOffset).toBe(offset);
    const frame: DecodedFrame = decodeFrame(view);
    expect(frame).toEqual(decoded(message));
  });

  it('copies echo data and unknown values out of the pool', () => {
    const ping = VECTORS.find((v) => v.message.type === 'Ping')!;
    const pool = Buffer.alloc(256, 0);
    pool.set(ping.bytes, 17);
    const frame = decodeFrame(pool.subarray(17, 17 + ping.bytes.length));
    pool.fill(0x55); // the socket reuses the pool for the next datagram
    expect(frame.type === 'Ping' && Array.from(frame.echo)).toEqual([0xaa, 0xbb]);
    expect(frame.type === 'Ping' && Buffer.isBuffer(frame.echo)).toBe(false);
  });

  it('decodes a Buffer made by Buffer.from (small Buffers come from the shared 8 KiB pool)', () => {
    const values = VECTORS.find((v) => v.message.type === 'ChannelValues')!;
    const buffer = Buffer.from(values.bytes);
    expect(decodeFrame(buffer)).toEqual(decoded(values.message));
  });
});
