import { describe, expect, it } from 'vitest';
import { createSequenceTracker } from '../../../server/jetdrive/sequence-tracker.js';

describe('createSequenceTracker', () => {
  it('counts the first message, then in-order ones', () => {
    const t = createSequenceTracker();
    expect(t.track(17)).toBe('first');
    expect(t.track(18)).toBe('in-order');
    expect(t.track(19)).toBe('in-order');
    expect(t.counters).toEqual({ received: 3, dropped: 0, outOfOrder: 0, first: 1, duplicates: 0 });
  });

  it('treats 255 -> 0 as in order (modulo 256)', () => {
    const t = createSequenceTracker();
    t.track(254);
    expect(t.track(255)).toBe('in-order');
    expect(t.track(0)).toBe('in-order');
    expect(t.track(1)).toBe('in-order');
    expect(t.counters.dropped).toBe(0);
  });

  it('sums gap sizes, also across the wrap', () => {
    const t = createSequenceTracker();
    t.track(250);
    expect(t.track(253)).toBe('gap'); // 251, 252 lost
    expect(t.track(2)).toBe('gap'); // 254, 255, 0, 1 lost
    expect(t.counters.dropped).toBe(6);
  });

  it('counts a late message as out of order without moving the reference', () => {
    const t = createSequenceTracker();
    t.track(1);
    t.track(5); // 2..4 lost
    expect(t.track(3)).toBe('out-of-order');
    expect(t.track(6)).toBe('in-order');
    expect(t.counters).toMatchObject({ dropped: 3, outOfOrder: 1 });
  });

  it('counts a late message across the wrap as out of order', () => {
    const t = createSequenceTracker();
    t.track(254);
    t.track(1); // 255, 0 lost
    expect(t.track(255)).toBe('out-of-order');
    expect(t.counters).toMatchObject({ dropped: 2, outOfOrder: 1 });
  });

  it('counts a repeated number as a duplicate', () => {
    const t = createSequenceTracker();
    t.track(9);
    expect(t.track(9)).toBe('duplicate');
    expect(t.counters).toMatchObject({ duplicates: 1, dropped: 0, received: 2 });
  });
});
