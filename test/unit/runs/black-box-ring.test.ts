import { describe, expect, it } from 'vitest';
import { BlackBoxRing } from '../../../server/runs/index.js';

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
