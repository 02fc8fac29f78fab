import { describe, expect, it } from 'vitest';
import { BlackBoxRing } from '../../../server/runs/index.js';
import { JournalSegment } from '../../../server/runs/journal-format.js';

const FROM = { address: '127.0.0.1', port: 22344 };
const datagram = (i: number, size = 100) => new Uint8Array(size).fill(i % 256);

function contents(ring: BlackBoxRing, since = 0): number[] {
  const seen: number[] = [];
  ring.forEachSince(since, (bytes) => seen.push(bytes[0]));
  return seen;
}

describe('BlackBoxRing', () => {
  it('keeps the last maxAgeMs of datagrams, oldest first, and copies their bytes', () => {
    const ring = new BlackBoxRing({ maxAgeMs: 1000, capacityBytes: 64 * 1024 });
    const d = datagram(1);
    ring.push(d, FROM, 0);
    d.fill(9);
    for (let t = 100; t <= 2000; t += 100) ring.push(datagram(t / 100), FROM, t);
    expect(contents(ring)).toEqual([10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20]);
    expect(contents(ring, 1500)).toEqual([15, 16, 17, 18, 19, 20]);
    expect(ring.stats().dropped).toBe(0);
  });

  it('is bounded in bytes: wraps around the buffer, pushing the oldest out early and counting them', () => {
    const ring = new BlackBoxRing({ maxAgeMs: 60_000, capacityBytes: 1000 });
    for (let i = 0; i < 25; i++) ring.push(datagram(i, 150 + (i % 3) * 40), FROM, i);
    const s = ring.stats();
    expect(s.bytes).toBeLessThanOrEqual(1000);
    expect(s.dropped).toBe(25 - s.entries);
    const kept = contents(ring);
    expect(kept).toEqual(Array.from({ length: kept.length }, (_, k) => 25 - kept.length + k));
    let intact = true;
    ring.forEachSince(0, (bytes) => {
      intact &&= bytes.every((b) => b === bytes[0]) && bytes.byteLength === 150 + (bytes[0] % 3) * 40;
    });
    expect(intact).toBe(true);
  });

  it('refuses a datagram larger than the buffer and a 256th source, counting both', () => {
    const ring = new BlackBoxRing({ maxAgeMs: 1000, capacityBytes: 512 });
    ring.push(datagram(1, 600), FROM, 0);
    for (let p = 0; p < 256; p++) ring.push(datagram(2, 1), { address: '127.0.0.1', port: 1000 + p }, 1);
    expect(ring.stats().refused).toBe(2);
  });
});

describe('BlackBoxRing.copyRange', () => {
  const bytesOf = (b: { bytes: Uint8Array; lengths: Uint32Array }) => {
    const out: number[][] = [];
    let at = 0;
    for (const len of b.lengths) {
      out.push([...b.bytes.subarray(at, at + len)]);
      at += len;
    }
    return out;
  };

  it('copies a range across the wrap of buffer and slots, with facts, sources and what had left', () => {
    const ring = new BlackBoxRing({ maxAgeMs: 60_000, capacityBytes: 1000, maxEntries: 16 });
    const sent: number[][] = [];
    for (let i = 0; i < 40; i++) {
      // Sizes vary so the buffer leaves a gap at its end when it wraps.
      const d = Uint8Array.from({ length: 60 + (i % 4) * 45 }, (_, k) => (i * 7 + k) % 256);
      ring.push(d, { address: '127.0.0.1', port: 22344 + (i % 2) }, 1000 + i);
      sent.push([...d]);
    }
    const oldest = ring.nextSeq - ring.stats().entries;
    const r = ring.copyRange(oldest - 3, ring.nextSeq, Number.MAX_SAFE_INTEGER);
    expect(r.missed).toBe(3);
    expect(r.next).toBe(40);
    const batch = r.batch;
    if (!batch) throw new Error('expected a batch');
    expect(bytesOf(batch)).toEqual(sent.slice(oldest));
    expect([...batch.times]).toEqual(sent.slice(oldest).map((_, k) => 1000 + oldest + k));
    expect([...batch.sources].map((s) => ring.sources()[s].port)).toEqual(
      sent.slice(oldest).map((_, k) => 22344 + ((oldest + k) % 2)),
    );
    // Its buffers are its own: the ring going on does not touch them.
    for (let i = 0; i < 20; i++) ring.push(datagram(99, 120), FROM, 2000 + i);
    expect(bytesOf(batch)).toEqual(sent.slice(oldest));
  });

  it('stops at maxBytes (at least one datagram) and continues where it stopped; nothing new gives no batch', () => {
    const ring = new BlackBoxRing({ maxAgeMs: 60_000, capacityBytes: 10_000 });
    for (let i = 0; i < 10; i++) ring.push(datagram(i, 100), FROM, i);
    const first = ring.copyRange(2, 10, 350);
    expect(first).toMatchObject({ next: 5, missed: 0 });
    expect([...(first.batch?.lengths ?? [])]).toEqual([100, 100, 100]);
    expect(first.batch?.bytes[0]).toBe(2);
    expect(ring.copyRange(5, 10, 50).batch?.lengths.length).toBe(1);
    expect(ring.copyRange(10, 10, 1000)).toEqual({ batch: null, next: 10, missed: 0 });
  });

  it("copies into the journal's segment record, at most its maxEntries at once, across the ring's wrap", () => {
    const ring = new BlackBoxRing({ maxAgeMs: 60_000, capacityBytes: 1000 });
    // 150-byte datagrams in a 1000-byte buffer: the ring has wrapped around.
    for (let i = 0; i < 9; i++) ring.push(datagram(i, 150), FROM, 1000 + i);
    const oldest = ring.nextSeq - ring.stats().entries;
    const segment = new JournalSegment(4, 10_000);
    const r = ring.copyRange(oldest, ring.nextSeq, 10_000, segment);
    expect(r).toMatchObject({ next: oldest + 4, missed: 0 });
    const record = new DataView(segment.record().buffer, 0, segment.record().byteLength);
    // Record head (kind 4, body length), then n and the datagram bytes.
    expect([record.getUint8(0), record.getUint32(4, true)]).toEqual([4, segment.record().byteLength - 8]);
    expect([record.getUint32(8, true), record.getUint32(12, true)]).toEqual([4, 600]);
    expect(bytesOf(r.batch ?? { bytes: new Uint8Array(), lengths: new Uint32Array() }).map((b) => b[0])).toEqual([
      oldest,
      oldest + 1,
      oldest + 2,
      oldest + 3,
    ]);
    expect([...(r.batch?.times ?? [])]).toEqual([0, 1, 2, 3].map((k) => 1000 + oldest + k));
    // The record ends with the bytes: the segment's last byte is the last datagram's.
    expect(segment.record().at(-1)).toBe(oldest + 3);
  });
});
