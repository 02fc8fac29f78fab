import { describe, expect, it } from 'vitest';
import { createRateLimiter } from '../../../server/shared/create-rate-limiter.js';

describe('createRateLimiter', () => {
  it('allows a burst, then refills at the rate, and says when to retry', () => {
    const limiter = createRateLimiter({ ratePerMin: 60, burst: 3, maxClients: 10 });
    for (let i = 0; i < 3; i++) expect(limiter.take('a', 0)).toEqual({ ok: true });
    expect(limiter.take('a', 0)).toEqual({ ok: false, retryAfterS: 1 });
    // Another client has its own bucket.
    expect(limiter.take('b', 0)).toEqual({ ok: true });
    expect(limiter.take('a', 999)).toMatchObject({ ok: false });
    expect(limiter.take('a', 1_000)).toEqual({ ok: true });
    expect(limiter.take('a', 1_000)).toMatchObject({ ok: false });
    // A long pause refills only up to the burst.
    for (let i = 0; i < 3; i++) expect(limiter.take('a', 3_600_000)).toEqual({ ok: true });
    expect(limiter.take('a', 3_600_000)).toMatchObject({ ok: false });
    expect(limiter.stats()).toMatchObject({ clients: 2, limited: 4, evicted: 0 });
  });

  it('rounds Retry-After up to whole seconds at slow rates', () => {
    const limiter = createRateLimiter({ ratePerMin: 2, burst: 1 });
    limiter.take('a', 0);
    expect(limiter.take('a', 0)).toEqual({ ok: false, retryAfterS: 30 });
    expect(limiter.take('a', 10_000)).toEqual({ ok: false, retryAfterS: 20 });
  });

  it('keeps at most maxClients, forgetting the least recently seen, and counts it', () => {
    const limiter = createRateLimiter({ ratePerMin: 1, burst: 1, maxClients: 3 });
    for (const c of ['a', 'b', 'c']) limiter.take(c, 0);
    limiter.take('a', 0); // a is now the most recent (and limited)
    limiter.take('d', 0); // evicts b
    expect(limiter.stats()).toEqual({ clients: 3, limited: 1, evicted: 1 });
    expect(limiter.take('a', 0)).toMatchObject({ ok: false });
    expect(limiter.take('b', 0)).toEqual({ ok: true }); // forgotten: fresh bucket; evicts c
    expect(limiter.stats()).toEqual({ clients: 3, limited: 2, evicted: 2 });
  });

  it('peek says whether take would succeed, spending nothing', () => {
    const limiter = createRateLimiter({ ratePerMin: 60, burst: 2 });
    expect(limiter.peek('a', 0)).toEqual({ ok: true });
    expect(limiter.stats().clients).toBe(0);
    limiter.take('a', 0);
    expect(limiter.peek('a', 0)).toEqual({ ok: true });
    limiter.take('a', 0);
    expect(limiter.peek('a', 0)).toEqual({ ok: false, retryAfterS: 1 });
    expect(limiter.peek('a', 500)).toMatchObject({ ok: false });
    expect(limiter.peek('a', 1_000)).toEqual({ ok: true });
    expect(limiter.take('a', 1_000)).toEqual({ ok: true });
  });

  it('rejects options that make no sense', () => {
    expect(() => createRateLimiter({ ratePerMin: 0 })).toThrow(/ratePerMin/);
    expect(() => createRateLimiter({ burst: 0 })).toThrow(/burst/);
    expect(() => createRateLimiter({ maxClients: 0 })).toThrow(/maxClients/);
  });
});
