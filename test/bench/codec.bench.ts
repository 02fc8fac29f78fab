// Codec throughput: decodeFrame on 1400-byte ChannelValues datagrams (140 samples each) against a plain
// hand-written DataView loop that builds the same sample objects from the same bytes, in the same process,
// interleaved round by round; the median round of each is reported. Encoding gets the same treatment.
import type { ChannelSample } from '../../server/protocol/index.js';
import { buildChannelValuesFrames, decodeFrame, encodeFrame } from '../../server/protocol/index.js';
import type { BenchResult } from './types.js';

const DATAGRAMS = 64;
const SAMPLES_PER_DATAGRAM = 140;
const WARMUP_ROUNDS = 3;
const ROUNDS = 9;
const ROUND_MS = 150;
const TARGET = 0.7;

/** The baseline: what anyone would write by hand for this one message type, with no validation at all. */
function plainDecode(bytes: Uint8Array): ChannelSample[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const count = (view.getUint16(1, true) / 10) | 0;
  const samples: ChannelSample[] = new Array(count);
  for (let i = 0, o = 8; i < count; i++, o += 10) {
    samples[i] = {
      channelId: view.getUint16(o, true),
      ts: view.getUint32(o + 2, true),
      value: view.getFloat32(o + 6, true),
    };
  }
  return samples;
}

function plainEncode(host: number, seq: number, samples: ChannelSample[]): Uint8Array {
  const out = new Uint8Array(8 + samples.length * 10);
  const view = new DataView(out.buffer);
  out[0] = 0x02;
  view.setUint16(1, samples.length * 10, true);
  view.setUint16(3, host, true);
  out[5] = seq;
  view.setUint16(6, 0xffff, true);
  for (let i = 0, o = 8; i < samples.length; i++, o += 10) {
    const s = samples[i];
    view.setUint16(o, s.channelId, true);
    view.setUint32(o + 2, s.ts, true);
    view.setFloat32(o + 6, s.value, true);
  }
  return out;
}

/** Datagrams laid out in one shared ArrayBuffer at uneven offsets, like Buffers handed out by a socket. */
function makeDatagrams(): Uint8Array[] {
  const samples: ChannelSample[] = [];
  for (let i = 0; i < DATAGRAMS * SAMPLES_PER_DATAGRAM; i++) {
    samples.push({ channelId: i % 42, ts: 1000 + ((i / 42) | 0) * 10, value: Math.fround(1000 * Math.sin(i / 7)) });
  }
  const frames = buildChannelValuesFrames({ host: 0x1234, samples });
  const pool = new Uint8Array(frames.reduce((n, f) => n + f.length + 3, 0));
  let offset = 1;
  return frames.map((frame) => {
    pool.set(frame, offset);
    const view = pool.subarray(offset, offset + frame.length);
    offset += frame.length + 3;
    return view;
  });
}

let sink = 0;

/** Both decode passes read every sample, as a real consumer would, so no allocation can be optimised away. */
function consume(samples: ChannelSample[]): number {
  let ids = 0;
  for (let i = 0; i < samples.length; i++) ids += samples[i].channelId;
  sink += ids;
  return samples.length;
}

function codecPass(datagrams: Uint8Array[]): number {
  let n = 0;
  for (let d = 0; d < datagrams.length; d++) {
    const frame = decodeFrame(datagrams[d]);
    if (frame.type === 'ChannelValues') n += consume(frame.samples);
  }
  return n;
}

function plainPass(datagrams: Uint8Array[]): number {
  let n = 0;
  for (let d = 0; d < datagrams.length; d++) {
    n += consume(plainDecode(datagrams[d]));
  }
  return n;
}

function encodePass(batches: ChannelSample[][]): number {
  let n = 0;
  for (let b = 0; b < batches.length; b++) {
    const samples = batches[b];
    n += samples.length;
    sink += encodeFrame({
      type: 'ChannelValues',
      key: 0x02,
      host: 0x1234,
      seq: b & 0xff,
      destination: 0xffff,
      samples,
    }).length;
  }
  return n;
}

function plainEncodePass(batches: ChannelSample[][]): number {
  let n = 0;
  for (let b = 0; b < batches.length; b++) {
    n += batches[b].length;
    sink += plainEncode(0x1234, b & 0xff, batches[b]).length;
  }
  return n;
}

/** Samples per second for one round of about ROUND_MS. */
function round<T>(pass: (input: T) => number, input: T): number {
  let samples = 0;
  const start = performance.now();
  let elapsed = 0;
  do {
    samples += pass(input);
    elapsed = performance.now() - start;
  } while (elapsed < ROUND_MS);
  return (samples / elapsed) * 1000;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[sorted.length >> 1];
}

/** Runs both contenders in alternating order each round, so drift (thermal, other load) hits both alike. */
function compare<T>(a: (input: T) => number, b: (input: T) => number, input: T): [number, number] {
  for (let i = 0; i < WARMUP_ROUNDS; i++) {
    round(a, input);
    round(b, input);
  }
  const ra: number[] = [];
  const rb: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    if (i % 2 === 0) {
      ra.push(round(a, input));
      rb.push(round(b, input));
    } else {
      rb.push(round(b, input));
      ra.push(round(a, input));
    }
  }
  return [median(ra), median(rb)];
}

function checkSameSamples(datagrams: Uint8Array[]): void {
  for (const bytes of datagrams) {
    const frame = decodeFrame(bytes);
    const plain = plainDecode(bytes);
    if (frame.type !== 'ChannelValues' || frame.samples.length !== SAMPLES_PER_DATAGRAM) {
      throw new Error(
        `codec decoded ${frame.type} with ${frame.type === 'ChannelValues' ? frame.samples.length : 0} samples`,
      );
    }
    for (let i = 0; i < plain.length; i++) {
      const a = frame.samples[i];
      const b = plain[i];
      if (a.channelId !== b.channelId || a.ts !== b.ts || !Object.is(a.value, b.value)) {
        throw new Error(`sample ${i} differs: codec ${JSON.stringify(a)} vs plain ${JSON.stringify(b)}`);
      }
    }
  }
}

export async function run(): Promise<BenchResult[]> {
  const datagrams = makeDatagrams();
  if (datagrams[0].length !== 1408) throw new Error(`expected 1408-byte datagrams, got ${datagrams[0].length}`);
  checkSameSamples(datagrams);
  const batches = datagrams.map((d) => plainDecode(d));

  const [codec, plain] = compare(codecPass, plainPass, datagrams);
  const [encode, plainEnc] = compare(encodePass, plainEncodePass, batches);
  // Reading `sink` keeps every pass's work observable, so none of it can be optimised away.
  if (!Number.isFinite(sink)) throw new Error(`checksum is ${sink}`);

  const notes = `${DATAGRAMS} datagrams × ${SAMPLES_PER_DATAGRAM} samples, median of ${ROUNDS} rounds of ${ROUND_MS} ms`;
  return [
    {
      section: 'codec',
      name: 'decodeFrame ChannelValues (1408-byte datagrams)',
      value: codec,
      unit: 'samples/s',
      baseline: { name: 'plain DataView loop', value: plain },
      ratio: codec / plain,
      target: `≥ ${TARGET}x`,
      notes,
    },
    {
      section: 'codec',
      name: 'encodeFrame ChannelValues (140 samples)',
      value: encode,
      unit: 'samples/s',
      baseline: { name: 'plain DataView writer', value: plainEnc },
      ratio: encode / plainEnc,
      notes: 'encodeFrame range-checks every field; the plain writer checks nothing',
    },
  ];
}
