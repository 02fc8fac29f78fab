import { describe, expect, it } from 'vitest';
import { ProviderHistory } from '../../../server/channels/provider-history.js';

const ch = (slot: number) => ({ key: `1:${slot + 1}`, providerId: 1, channelId: slot + 1, slot });
const times = (h: ProviderHistory, slot: number, since?: number) => h.toArray(ch(slot), since).map((x) => x.time);

describe('ProviderHistory', () => {
  it('keeps at most maxPerChannel samples of a channel, oldest first, as samples of that channel', () => {
    const h = new ProviderHistory(4, { maxPerChannel: 5, maxAgeMs: 1_000_000 });
    for (let t = 1; t <= 12; t++) h.push(0, t, t * 10, t + 1000);
    expect(h.toArray(ch(0))).toEqual(
      [8, 9, 10, 11, 12].map((t) => ({
        key: '1:1',
        providerId: 1,
        channelId: 1,
        value: t * 10,
        time: t,
        providerTs: t + 1000,
      })),
    );
  });

  it('keeps channels apart when their samples interleave', () => {
    const h = new ProviderHistory(4, { maxPerChannel: 100, maxAgeMs: 1_000_000 });
    for (let t = 0; t < 30; t++) h.push(t % 3, t, t % 3 === 1 ? -t : t, t);
    expect(times(h, 0)).toEqual([0, 3, 6, 9, 12, 15, 18, 21, 24, 27]);
    expect(h.toArray(ch(1)).map((s) => s.value)).toEqual([1, 4, 7, 10, 13, 16, 19, 22, 25, 28].map((t) => -t));
    expect(times(h, 3)).toEqual([]);
  });

  it('is empty for a channel that never wrote, and after clear', () => {
    const h = new ProviderHistory(4, { maxPerChannel: 5, maxAgeMs: 1000 });
    expect(h.toArray(ch(2))).toEqual([]);
    expect(h.rateHz(2)).toBe(0);
    h.push(2, 1, 1, 1);
    h.clear();
    expect(h.toArray(ch(2))).toEqual([]);
    expect(h.size).toBe(0);
  });

  it('drops samples older than maxAgeMs behind the newest', () => {
    const h = new ProviderHistory(2, { maxPerChannel: 100, maxAgeMs: 10 });
    for (const t of [0, 3, 6, 9, 12, 15]) h.push(0, t, t, t);
    expect(times(h, 0)).toEqual([6, 9, 12, 15]);
  });

  it('filters by sinceMs and trims explicitly', () => {
    const h = new ProviderHistory(2, { maxPerChannel: 100, maxAgeMs: 1000 });
    for (let t = 0; t < 20; t++) h.push(0, t, t, t);
    expect(times(h, 0, 15)).toEqual([15, 16, 17, 18, 19]);
    h.trimBefore(18);
    expect(times(h, 0)).toEqual([18, 19]);
  });

  it('grows up to maxPerChannel per channel in use, then overwrites the oldest of any channel', () => {
    const h = new ProviderHistory(8, { maxPerChannel: 1000, maxAgeMs: 1e12 });
    for (let t = 0; t < 5000; t++) h.push(t % 2, t, t, t);
    expect(h.size).toBe(2000);
    expect(times(h, 0)).toHaveLength(1000);
    expect(times(h, 0)[0]).toBe(3000);
    // A third channel raises the limit by its share.
    for (let t = 5000; t < 9000; t++) h.push(t % 3, t, t, t);
    expect(h.size).toBe(3000);
    expect(times(h, 2)).toHaveLength(1000);
  });

  it('lets a fast channel take a slow one’s share, the slow one keeping its newest samples', () => {
    const h = new ProviderHistory(8, { maxPerChannel: 1000, maxAgeMs: 1e12 });
    for (let t = 0; t < 10_000; t++) h.push(t % 100 === 0 ? 1 : 0, t, t, t);
    expect(h.size).toBe(2000);
    expect(times(h, 1)).toEqual([
      8000, 8100, 8200, 8300, 8400, 8500, 8600, 8700, 8800, 8900, 9000, 9100, 9200, 9300, 9400, 9500, 9600, 9700, 9800,
      9900,
    ]);
  });

  it('stays ordered while growing after wrapping', () => {
    const h = new ProviderHistory(2, { maxPerChannel: 4096, maxAgeMs: 5 });
    for (let t = 0; t < 40; t++) h.push(0, t, t, t);
    for (let t = 40; t < 2000; t += 0.25) h.push(0, t, t, t);
    const ts = times(h, 0);
    expect(ts).toHaveLength(21);
    expect(ts[0]).toBe(1994.75);
    for (let i = 1; i < ts.length; i++) expect(ts[i]).toBeGreaterThan(ts[i - 1]);
  });

  it('measures a channel’s rate over its recent samples', () => {
    const h = new ProviderHistory(2, { maxPerChannel: 1000, maxAgeMs: 1e9 });
    for (let i = 0; i < 500; i++) {
      h.push(0, i * 10, i, i);
      if (i % 2 === 0) h.push(1, i * 10, i, i);
    }
    expect(h.rateHz(0)).toBeCloseTo(100, 6);
    expect(h.rateHz(1)).toBeCloseTo(50, 6);
  });

  it('keeps nothing with maxPerChannel 0', () => {
    const h = new ProviderHistory(2, { maxPerChannel: 0, maxAgeMs: 1000 });
    h.push(0, 1, 1, 1);
    expect(h.size).toBe(0);
    expect(h.toArray(ch(0))).toEqual([]);
  });
});
