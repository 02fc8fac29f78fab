import { describe, expect, it } from 'vitest';
import { createClockSync, u32Clock } from '../../../server/jetdrive/clock-sync.js';

const U32 = 2 ** 32;

describe('createClockSync', () => {
  it('stamps samples with the receive time before any Pong', () => {
    const c = createClockSync();
    expect(c.synced).toBe(false);
    expect(c.toTime(123, 1_700_000_000_000)).toBe(1_700_000_000_000);
  });

  it('applies offset and latency from a Pong (Cristian)', () => {
    const c = createClockSync();
    const sentAt = 1_700_000_000_000;
    const now = sentAt + 20; // 20 ms round trip: latency 10
    // The provider clock read 5000 when it answered, i.e. at now - latency.
    expect(c.onPong(u32Clock(sentAt), 5000, now)).toBe(true);
    expect(c.latencyMs).toBe(10);
    expect(c.offsetMs).toBe(now - 5000);
    expect(c.toTime(5000, 0)).toBe(now - 10);
    expect(c.toTime(6000, 0)).toBe(now - 10 + 1000);
  });

  it('keeps the offset of the lowest-latency Pong', () => {
    const c = createClockSync();
    const t0 = 1_700_000_000_000;
    c.onPong(u32Clock(t0), 1000, t0 + 4); // latency 2
    c.onPong(u32Clock(t0 + 100), 1100 + 50, t0 + 100 + 40); // latency 20, a skewed reading
    expect(c.latencyMs).toBe(2);
    expect(c.toTime(1000, 0)).toBe(t0 + 4 - 2);
    c.onPong(u32Clock(t0 + 200), 1199, t0 + 202); // latency 1: better
    expect(c.latencyMs).toBe(1);
    expect(c.toTime(1199, 0)).toBe(t0 + 201);
  });

  it('handles the wrap of our u32 clock between Ping and Pong', () => {
    const c = createClockSync();
    const sentAt = 3 * U32 - 6; // our u32 clock reads 2^32 - 6
    const now = sentAt + 10; // ... and 4 after the wrap
    expect(c.onPong(u32Clock(sentAt), 777, now)).toBe(true);
    expect(c.latencyMs).toBe(5);
  });

  it('keeps sample times continuous across the provider clock wrap', () => {
    const c = createClockSync();
    const now = 1_700_000_000_000;
    c.onPong(u32Clock(now - 2), U32 - 100, now);
    const before = c.toTime(U32 - 50, 0);
    const after = c.toTime(50, 0); // 100 ms later on the provider, after its wrap
    expect(after - before).toBe(100);
    expect(c.toTime(150, 0) - before).toBe(200);
    // A straggler from before the wrap still lands before.
    expect(c.toTime(U32 - 10, 0) - before).toBe(40);
  });

  it('rejects a Pong with an implausible round trip', () => {
    const c = createClockSync();
    expect(c.onPong(u32Clock(1000), 5, 1000 + 60_000)).toBe(false);
    expect(c.synced).toBe(false);
  });
});
