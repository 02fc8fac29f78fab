// Token bucket per client key: `burst` requests at once, refilled at `ratePerMin`. Used by auth (per client address
// and identity: control requests and failed authentications spend from it, so guessing tokens is as slow as the
// control rate) and by jetdrive (Pongs per host id). The map of buckets is bounded: when full, the least recently used
// client is forgotten (counted), which only ever gives that client a fresh, full bucket — never blocks anyone else.

export interface RateLimitOptions {
  /** Sustained requests per minute per client. */
  ratePerMin: number;
  /** Requests a client may make at once before the rate applies. */
  burst: number;
  /** Clients remembered at once. */
  maxClients: number;
}

export const DEFAULT_RATE_LIMIT_OPTIONS: Readonly<RateLimitOptions> = Object.freeze({
  ratePerMin: 120,
  burst: 30,
  maxClients: 10_000,
});

export type RateDecision = { ok: true } | { ok: false; retryAfterS: number };

export interface RateLimiterStats {
  clients: number;
  limited: number;
  evicted: number;
}

export interface RateLimiter {
  /** Spends one request of the client's budget, or says how long until one is available. */
  take(client: string, now?: number): RateDecision;
  /** Whether take() would succeed now, without spending anything (an unknown client always would). */
  peek(client: string, now?: number): RateDecision;
  /** Drops a client's bucket (a socket that left); its next request starts with a full burst. */
  forget(client: string): void;
  stats(): RateLimiterStats;
}

interface Bucket {
  tokens: number;
  at: number;
}

export function createRateLimiter(
  options: Partial<RateLimitOptions> = {},
  clock: () => number = Date.now,
): RateLimiter {
  const o: RateLimitOptions = { ...DEFAULT_RATE_LIMIT_OPTIONS, ...options };
  if (!(o.ratePerMin > 0)) throw new Error(`ratePerMin: must be > 0, got ${o.ratePerMin}`);
  if (!(o.burst >= 1)) throw new Error(`burst: must be >= 1, got ${o.burst}`);
  if (!(o.maxClients >= 1)) throw new Error(`maxClients: must be >= 1, got ${o.maxClients}`);
  const perMs = o.ratePerMin / 60_000;
  const buckets = new Map<string, Bucket>();
  let limited = 0;
  let evicted = 0;
  const retryAfter = (tokens: number): number => Math.max(1, Math.ceil((1 - tokens) / perMs / 1000));

  return {
    take(client, now = clock()) {
      let bucket = buckets.get(client);
      if (bucket) {
        // Re-insert: Map order is then least recently used first, which is what eviction removes.
        buckets.delete(client);
        bucket.tokens = Math.min(o.burst, bucket.tokens + Math.max(0, now - bucket.at) * perMs);
        bucket.at = now;
      } else {
        if (buckets.size >= o.maxClients) {
          const oldest = buckets.keys().next().value;
          if (oldest !== undefined) buckets.delete(oldest);
          evicted++;
        }
        bucket = { tokens: o.burst, at: now };
      }
      buckets.set(client, bucket);
      if (bucket.tokens >= 1) {
        bucket.tokens -= 1;
        return { ok: true };
      }
      limited++;
      return { ok: false, retryAfterS: retryAfter(bucket.tokens) };
    },
    peek(client, now = clock()) {
      const bucket = buckets.get(client);
      if (!bucket) return { ok: true };
      const tokens = Math.min(o.burst, bucket.tokens + Math.max(0, now - bucket.at) * perMs);
      if (tokens >= 1) return { ok: true };
      limited++;
      return { ok: false, retryAfterS: retryAfter(tokens) };
    },
    forget(client) {
      buckets.delete(client);
    },
    stats: () => ({ clients: buckets.size, limited, evicted }),
  };
}
