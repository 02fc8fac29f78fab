import { describe, expect, it } from 'vitest';
import { createSampleRing } from '../../../server/channels/create-sample-ring.js';

const id = { key: '1:1', providerId: 1, channelId: 1 };
const times = (ring: ReturnType<typeof createSampleRing>, since?: number) => ring.toArray(since).map((x) => x.time);

describe('createSampleRing', () => {
  it('keeps at most `capacity` samples, oldest first', () => {
    const ring = createSampleRing(id, 5, 1_000_000);
    for (let t = 1; t <= 12; t++) ring.push(t, t * 10, t + 1000);
    expect(ring.size).toBe(5);
    expect(ring.toArray()).toEqual(
      [8, 9, 10, 11, 12].map((t) => ({
        key: '1:1',
        providerId: 1,
        channelId: 1,
        value: t * 10,
        time: t,
        providerTs: t + 1000,
      })),
    );
    expect(ring.oldestTime()).toBe(8);
    expect(ring.newestTime()).toBe(12);
  });

  it('reports NaN times when empty', () => {
    const ring = createSampleRing(id, 5, 1000);
    expect(ring.oldestTime()).toBeNaN();
    expect(ring.newestTime()).toBeNaN();
    expect(ring.toArray()).toEqual([]);
  });

  it('drops samples older than maxAgeMs behind the newest', () => {
    const ring = createSampleRing(id, 100, 10);
    for (const t of [0, 3, 6, 9, 12, 15]) ring.push(t, t, t);
    expect(times(ring)).toEqual([6, 9, 12, 15]);
  });

  it('filters by sinceMs and trims explicitly', () => {
    const ring = createSampleRing(id, 100, 1000);
    for (let t = 0; t < 20; t++) ring.push(t, t, t);
    expect(times(ring, 15)).toEqual([15, 16, 17, 18, 19]);
    ring.trimBefore(18);
    expect(times(ring)).toEqual([18, 19]);
  });

  it('stays ordered while growing after wrapping', () => {
    const ring = createSampleRing(id, 64, 5);
    for (let t = 0; t < 40; t++) ring.push(t, t, t);
    for (let t = 40; t < 200; t += 0.25) ring.push(t, t, t);
    const ts = times(ring);
    expect(ts).toHaveLength(21);
    expect(ts[0]).toBe(194.75);
    for (let i = 1; i < ts.length; i++) expect(ts[i]).toBeGreaterThan(ts[i - 1]);
    expect(ring.toArray().every((s) => s.value === s.time)).toBe(true);
  });

  it('keeps nothing with capacity 0', () => {
    const ring = createSampleRing(id, 0, 1000);
    ring.push(1, 1, 1);
    expect(ring.size).toBe(0);
  });
});
