import { endianness } from 'node:os';
import type { RunMetadata } from '@jetdrive-hub/client/contract';
import { SERVER_VERSION } from '../server-version.js';
import type { DatagramSource } from '../transport/types.js';
import type { RingBatch, RingBatchAllocator } from './black-box-ring.js';
import type { ClockOffset } from './datagram-facts.js';

// The raw journal a run is recorded into while it lasts (layout: server/protocol/README.md, "Run files (MCAP)",
// "The journal"). It is the black box's own record layout appended as it is: one segment per pump, copied out of the
// ring in a few memcpys (the datagrams' bytes back to back, their receive times, lengths and source indexes as
// columns), so recording does no work per datagram. It is turned into MCAP off the hot path (read-journal.ts).

/** The file's first 8 bytes (0x89 and CR LF like MCAP's magic: 7-bit and newline-mangling transfers show). */
export const JOURNAL_MAGIC = Uint8Array.from([0x89, 0x4a, 0x44, 0x4a, 0x52, 0x4e, 0x4c, 0x0a]); // \x89 JDJRNL \n
export const JOURNAL_LAYOUT = 'jetdrive-hub.black-box-segments';
export const JOURNAL_VERSION = 1;
/** Magic, u32 version, u32 length of the JSON header that follows. */
export const JOURNAL_HEAD_BYTES = 16;
/** u8 kind, 3 reserved bytes (0), u32 body length. */
export const RECORD_HEAD_BYTES = 8;
/** A segment's body starts with u32 count and u32 datagram bytes. */
export const SEGMENT_HEAD_BYTES = 8;
/** Larger records are damage, not data (a segment is at most a pump's batch: a few MiB). */
export const MAX_RECORD_BYTES = 64 * 1024 * 1024;

export const RECORD_KIND = Object.freeze({
  /** UTF-8 JSON RunMetadata (the start metadata; the rewrite makes the final one). */
  metadata: 1,
  /** UTF-8 JSON [{address, port}, …]: every source so far, by the ring's source index (append-only). */
  sources: 2,
  /** UTF-8 JSON [[hostId, {offsetMs, latencyMs}], …]: provider clocks for the segments that follow. */
  clocks: 3,
  /** u32 n, u32 b, f64 times[n] (epoch ms), u32 lengths[n], u8 sources[n], then b bytes of datagrams. */
  segment: 4,
});

export interface JournalHeader {
  layout: string;
  version: number;
  library: string;
  endianness: 'LE' | 'BE';
}

const encoder = new TextEncoder();

function recordHead(out: Uint8Array, kind: number, bodyBytes: number): void {
  const view = new DataView(out.buffer, out.byteOffset, RECORD_HEAD_BYTES);
  view.setUint32(0, kind, true); // kind in the first byte, the reserved three zero
  view.setUint32(4, bodyBytes, true);
}

export function jsonRecord(kind: number, value: unknown): Uint8Array {
  const body = encoder.encode(JSON.stringify(value));
  const out = new Uint8Array(RECORD_HEAD_BYTES + body.byteLength);
  recordHead(out, kind, body.byteLength);
  out.set(body, RECORD_HEAD_BYTES);
  return out;
}

/** The journal's first bytes: the versioned file header naming the layout, then the start metadata. */
export function journalHead(meta: RunMetadata): Uint8Array {
  const header: JournalHeader = {
    layout: JOURNAL_LAYOUT,
    version: JOURNAL_VERSION,
    library: `jetdrive-hub ${SERVER_VERSION}`,
    endianness: endianness(),
  };
  const json = encoder.encode(JSON.stringify(header));
  const metadata = jsonRecord(RECORD_KIND.metadata, meta);
  const out = new Uint8Array(JOURNAL_HEAD_BYTES + json.byteLength + metadata.byteLength);
  out.set(JOURNAL_MAGIC, 0);
  const view = new DataView(out.buffer);
  view.setUint32(8, JOURNAL_VERSION, true);
  view.setUint32(12, json.byteLength, true);
  out.set(json, JOURNAL_HEAD_BYTES);
  out.set(metadata, JOURNAL_HEAD_BYTES + json.byteLength);
  return out;
}

export const sourcesRecord = (sources: readonly DatagramSource[]): Uint8Array =>
  jsonRecord(
    RECORD_KIND.sources,
    sources.map((s) => ({ address: s.address, port: s.port })),
  );

export const clocksRecord = (clocks: ReadonlyMap<number, ClockOffset>): Uint8Array =>
  jsonRecord(RECORD_KIND.clocks, [...clocks]);

/** Where a segment's columns lie from the start of its record (times 8-aligned, lengths 4-aligned). */
export function segmentOffsets(n: number): { times: number; lengths: number; sources: number; bytes: number } {
  const times = RECORD_HEAD_BYTES + SEGMENT_HEAD_BYTES;
  return { times, lengths: times + 8 * n, sources: times + 12 * n, bytes: times + 13 * n };
}

/**
 * One preallocated segment record the ring copies a batch straight into (its allocator): after the copy the record
 * is whole and goes to the file in one write. Reused from pump to pump (the recorder awaits each write first).
 */
export class JournalSegment implements RingBatchAllocator {
  readonly maxEntries: number;
  readonly #buffer: ArrayBuffer;
  #size = 0;

  constructor(maxEntries: number, maxBytes: number) {
    this.maxEntries = maxEntries;
    this.#buffer = new ArrayBuffer(segmentOffsets(maxEntries).bytes + maxBytes);
  }

  alloc(n: number, size: number): RingBatch {
    const at = segmentOffsets(n);
    this.#size = at.bytes + size;
    if (n > this.maxEntries || this.#size > this.#buffer.byteLength) {
      throw new RangeError(`a segment of ${n} datagrams, ${size} bytes exceeds the journal's segment buffer`);
    }
    const all = new Uint8Array(this.#buffer, 0, this.#size);
    recordHead(all, RECORD_KIND.segment, this.#size - RECORD_HEAD_BYTES);
    const view = new DataView(this.#buffer, RECORD_HEAD_BYTES, SEGMENT_HEAD_BYTES);
    view.setUint32(0, n, true);
    view.setUint32(4, size, true);
    return {
      times: new Float64Array(this.#buffer, at.times, n),
      lengths: new Uint32Array(this.#buffer, at.lengths, n),
      sources: new Uint8Array(this.#buffer, at.sources, n),
      bytes: new Uint8Array(this.#buffer, at.bytes, size),
    };
  }

  /** The record of the last batch allocated (valid once the ring has copied into it). */
  record(): Uint8Array {
    return new Uint8Array(this.#buffer, 0, this.#size);
  }
}
