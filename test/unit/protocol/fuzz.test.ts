import { describe, expect, it } from 'vitest';
import type { FrameErrorCode, MessageType } from '../../../server/protocol/index.js';
import {
  buildChannelInfoFrames,
  buildChannelValuesFrames,
  decodeFrame,
  encodeFrame,
  FrameDecodeError,
  KEY,
} from '../../../server/protocol/index.js';
import { mulberry32 } from './mulberry32.js';
import { VECTORS } from './vectors.js';

const SEED = 0x1e7d21e;
const RANDOM_BUFFERS = 60_000;
const MUTATED_BUFFERS = 60_000;
const CODES: ReadonlySet<FrameErrorCode> = new Set([
  'TOO_SHORT',
  'LENGTH_MISMATCH',
  'TRUNCATED_FIELD',
  'BAD_CHANNEL_INFO_LENGTH',
]);
const KEYS = [...Object.values(KEY), 0x00, 0x07, 0x13, 0x23, 0x7e, 0xff];

/**
 * Which buffers are valid, written from the wire spec (shared/jetdrive-protocol.md) and the codec README's table,
 * sharing no code with the decoder: the decoder must agree on every buffer, accept or reject, and on the code.
 * Value bytes each fixed layout needs; keys not listed (ChannelValues, Clear, RequestChannelInfo, unknown) need none.
 */
const MIN_VALUE_BYTES: ReadonlyMap<number, number> = new Map([
  [0x04, 5], // Ping: version u8, host_ts u32
  [0x05, 9], // Pong: version u8, host_ts u32, remote_ts u32
  [0x10, 1], // RequestLogging: u8
  [0x11, 6], // RequestLoadControl: enable u8, type u8, target f32
  [0x21, 6], // LoadControlResponse: same
  [0x12, 1], // RequestBrake: u8
  [0x22, 1], // BrakeResponse: u8
]);

function oracle(bytes: Uint8Array): FrameErrorCode | 'ok' {
  if (bytes.length < 8) return 'TOO_SHORT';
  const key = bytes[0];
  const length = bytes[1] | (bytes[2] << 8);
  if (bytes.length < 8 + length) return 'LENGTH_MISMATCH';
  if (key === 0x01 && length < 50) return 'BAD_CHANNEL_INFO_LENGTH';
  // LoggingResponse: the state byte alone, or state + 2 reserved + u32 timestamp; anything in between is cut short.
  if (key === 0x20) return length === 0 || (length > 1 && length < 7) ? 'TRUNCATED_FIELD' : 'ok';
  return length < (MIN_VALUE_BYTES.get(key) ?? 0) ? 'TRUNCATED_FIELD' : 'ok';
}

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

describe('decodeFrame fuzz', () => {
  it(`agrees with an independent validity oracle on ${RANDOM_BUFFERS + MUTATED_BUFFERS} seeded buffers, and re-encodes what it decodes`, () => {
    const random = mulberry32(SEED);
    const int = (n: number) => Math.floor(random() * n);
    const pool = new Uint8Array(1 << 16);

    // Valid frames to mutate: the hand-written vectors plus builder output with long, non-ASCII names.
    const seeds: Uint8Array[] = VECTORS.map((v) => new Uint8Array(v.bytes));
    seeds.push(
      ...buildChannelInfoFrames({
        host: 0x1234,
        providerName: 'Power Core ünïcödé provider name that is far too long',
        channels: Array.from({ length: 41 }, (_, i) => ({
          channelId: i,
          vendor: i & 3,
          name: `Température ${i} 😀😀😀😀😀`,
          unit: i,
        })),
      }),
      ...buildChannelValuesFrames({
        host: 0x1234,
        samples: Array.from({ length: 150 }, (_, i) => ({ channelId: i, ts: i * 1000, value: Math.sin(i) * 1e4 })),
      }),
    );

    const failures: string[] = [];
    const decodedTypes = new Set<MessageType>();
    let decoded = 0;
    let rejected = 0;

    const outcomes = new Map<string, number>();
    const check = (bytes: Uint8Array) => {
      const expected = oracle(bytes);
      outcomes.set(expected, (outcomes.get(expected) ?? 0) + 1);
      let frame: ReturnType<typeof decodeFrame>;
      try {
        frame = decodeFrame(bytes);
      } catch (error) {
        const code = error instanceof FrameDecodeError ? error.code : 'not a FrameDecodeError';
        if (code !== expected) failures.push(`${hex(bytes)}: rejected with ${code}, the spec says ${expected}`);
        if (
          !(error instanceof FrameDecodeError) ||
          !CODES.has(error.code) ||
          !Number.isInteger(error.offset) ||
          error.offset < 0 ||
          error.offset > bytes.length
        ) {
          failures.push(`${hex(bytes)}: ${String(error)}`);
        }
        rejected++;
        return;
      }
      decoded++;
      decodedTypes.add(frame.type);
      if (expected !== 'ok') failures.push(`${hex(bytes)}: decoded as ${frame.type}, the spec says ${expected}`);
      try {
        // Whatever decodes re-encodes, and encoding is canonical: a second round trip changes nothing.
        const once = encodeFrame(frame);
        // Every byte is either decoded into a field or reported: nothing read past the value, nothing lost silently.
        const reported = frame.trailingBytes + frame.partialRecordBytes + frame.extraValueBytes;
        if (once.length !== bytes.length - reported) {
          failures.push(`${hex(bytes)}: decoded ${once.length} bytes + reported ${reported} ≠ ${bytes.length}`);
        }
        const again = decodeFrame(once);
        const twice = encodeFrame(again);
        if (!sameBytes(once, twice) || again.trailingBytes + again.partialRecordBytes + again.extraValueBytes !== 0) {
          failures.push(`${hex(bytes)}: re-encoding is not stable (${hex(once)} vs ${hex(twice)})`);
        }
      } catch (error) {
        failures.push(`${hex(bytes)}: re-encoding threw ${String(error)}`);
      }
    };

    // Random buffers: half pure noise, half a plausible header (known key, length close to the real size).
    for (let n = 0; n < RANDOM_BUFFERS; n++) {
      const offset = int(64);
      let size: number;
      if (n % 2 === 0) {
        size = int(96);
        for (let i = 0; i < size; i++) pool[offset + i] = int(256);
      } else {
        const length = int(120);
        size = Math.max(0, 8 + length + int(7) - 3);
        for (let i = 0; i < size; i++) pool[offset + i] = int(256);
        if (size > 0) pool[offset] = KEYS[int(KEYS.length)];
        if (size > 2) {
          pool[offset + 1] = length & 0xff;
          pool[offset + 2] = length >> 8;
        }
      }
      check(pool.subarray(offset, offset + size));
    }

    // Valid frames with 1–4 bytes overwritten, then sometimes cut short or extended.
    for (let n = 0; n < MUTATED_BUFFERS; n++) {
      const seed = seeds[int(seeds.length)];
      const offset = int(64);
      let size = seed.length;
      pool.set(seed, offset);
      const mutations = 1 + int(4);
      for (let m = 0; m < mutations; m++) pool[offset + int(size)] = int(256);
      const shape = int(4);
      if (shape === 0) size = int(size);
      else if (shape === 1) {
        const extra = int(16);
        for (let i = 0; i < extra; i++) pool[offset + size + i] = int(256);
        size += extra;
      }
      check(pool.subarray(offset, offset + size));
    }

    expect(failures.slice(0, 5)).toEqual([]);
    // Every verdict of the oracle was reached often enough for the agreement to mean something.
    for (const verdict of ['ok', ...CODES]) expect(outcomes.get(verdict) ?? 0).toBeGreaterThan(100);
    // The fuzz reaches both paths and every message type, or it proves little.
    expect(decoded).toBeGreaterThan(20_000);
    expect(rejected).toBeGreaterThan(20_000);
    expect([...decodedTypes].sort()).toEqual([...Object.keys(KEY), 'Unknown'].sort());
  });
});
