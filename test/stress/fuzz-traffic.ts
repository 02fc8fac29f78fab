// Seeded traffic for the fuzz stress test: malformed or hostile datagrams (random bytes, and valid frames of every
// key with mutated, cut or extended bytes) interleaved with valid ChannelValues from one known provider whose
// sample values are sequence numbers, so the test can prove that every valid sample arrived.
import {
  ALL_HOSTS,
  buildChannelInfoFrames,
  buildChannelValuesFrames,
  checkHeader,
  decodeFrame,
  FrameDecodeError,
  HEADER_SIZE,
  KEY,
} from '../../server/protocol/index.js';
import { mulberry32 } from '../unit/protocol/mulberry32.js';
import { VECTORS } from '../unit/protocol/vectors.js';

export const VALID_HOST = 0x7a11;
export const VALID_CHANNELS = 8;
export const VALID_PROVIDER = 'Stress Provider';

export function validInfoFrames(): Uint8Array[] {
  return buildChannelInfoFrames({
    host: VALID_HOST,
    providerName: VALID_PROVIDER,
    channels: Array.from({ length: VALID_CHANNELS }, (_, i) => ({
      channelId: i + 1,
      vendor: 0,
      name: `Stress ${i + 1}`,
      unit: 255,
    })),
  });
}

/** One ChannelValues frame carrying markers first … first + VALID_CHANNELS - 1 (exact in float32 below 2^24). */
export function validValuesFrame(frameIndex: number): Uint8Array {
  const first = frameIndex * VALID_CHANNELS;
  return buildChannelValuesFrames({
    host: VALID_HOST,
    // seq 0 is the ChannelInfo's: one sequence per provider across message types.
    seqStart: (frameIndex + 1) & 0xff,
    samples: Array.from({ length: VALID_CHANNELS }, (_, i) => ({
      channelId: i + 1,
      ts: frameIndex & 0xffff_ffff,
      value: first + i,
    })),
  })[0];
}

const MUTATION_SEEDS: Uint8Array[] = [
  ...VECTORS.map((v) => new Uint8Array(v.bytes)),
  ...buildChannelInfoFrames({
    host: 0x1234,
    providerName: 'Fuzz Provider ünïcödé',
    channels: Array.from({ length: 39 }, (_, i) => ({ channelId: i, vendor: i & 3, name: `Fuzz ${i} 😀`, unit: i })),
  }),
  ...buildChannelValuesFrames({
    host: 0x1234,
    samples: Array.from({ length: 140 }, (_, i) => ({ channelId: i, ts: i * 1000, value: Math.sin(i) * 1e4 })),
  }),
];

export interface FuzzSource {
  /** The next hostile datagram (a fresh buffer: safe to hand to an asynchronous send). */
  next(): Uint8Array;
}

export function createFuzzSource(seed: number): FuzzSource {
  const random = mulberry32(seed);
  const int = (n: number) => Math.floor(random() * n);
  function randomBytes(): Uint8Array {
    // Mostly short (headers are where parsers break), sometimes up to a full MTU.
    const size = random() < 0.8 ? 1 + int(64) : 1 + int(1500);
    const bytes = new Uint8Array(size);
    for (let i = 0; i < size; i++) bytes[i] = int(256);
    // A third claim a real key, so the value decoders get exercised too, not just the header check.
    if (random() < 0.33) bytes[0] = [1, 2, 3, 4, 5, 6, 0x10, 0x11, 0x12, 0x20, 0x21, 0x22][int(12)];
    return bytes;
  }
  function mutated(): Uint8Array {
    const seed = MUTATION_SEEDS[int(MUTATION_SEEDS.length)];
    const roll = random();
    let bytes: Uint8Array;
    if (roll < 0.15) {
      bytes = seed.slice(0, Math.max(1, int(seed.length)));
    } else if (roll < 0.25) {
      bytes = new Uint8Array(seed.length + 1 + int(40));
      bytes.set(seed);
      for (let i = seed.length; i < bytes.length; i++) bytes[i] = int(256);
    } else {
      bytes = seed.slice();
    }
    const flips = 1 + int(4);
    for (let f = 0; f < flips; f++) {
      // Header bytes are hit a quarter of the time: length and key mutations reach the most error paths.
      const at = random() < 0.25 ? int(Math.min(HEADER_SIZE, bytes.length)) : int(bytes.length);
      bytes[at] = int(256);
    }
    return bytes;
  }
  return {
    next() {
      const bytes = random() < 0.5 ? randomBytes() : mutated();
      // Never impersonate the valid provider: a forged ClearChannelInfo from it would (rightly) drop its channels.
      if (bytes.length >= 5 && (bytes[3] | (bytes[4] << 8)) === VALID_HOST) bytes[3] ^= 0x01;
      return bytes;
    },
  };
}

/**
 * The error code the ingest must count for a datagram, or null if it is well-formed. Mirrors the ingest's two paths:
 * ChannelValues are only header-checked (records are read in place), everything else is fully decoded.
 */
export function expectedCode(bytes: Uint8Array): string | null {
  try {
    if (bytes.length >= HEADER_SIZE && bytes[0] === KEY.ChannelValues) checkHeader(bytes);
    else decodeFrame(bytes);
    return null;
  } catch (error) {
    if (error instanceof FrameDecodeError) return error.code;
    throw error;
  }
}

export { ALL_HOSTS };
