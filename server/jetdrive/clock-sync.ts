const U32 = 0x1_0000_0000;

/** Pongs with a round trip longer than this are stale or forged and would poison the offset. */
export const MAX_ROUND_TRIP_MS = 10_000;

export interface ClockSync {
  readonly synced: boolean;
  /** local ms − provider ms at the best (lowest-latency) Pong; null before any Pong. */
  readonly offsetMs: number | null;
  readonly latencyMs: number | null;
  /**
   * Applies a Pong: `hostTs` is our u32 clock as sent in the Ping, `remoteTs` the provider's u32 clock,
   * `now` our clock (epoch ms) on arrival. Returns false when the Pong was rejected (implausible round trip).
   */
  onPong(hostTs: number, remoteTs: number, now: number): boolean;
  /** Epoch ms of a sample stamped `providerTs` by the provider; `receivedAt` until the first Pong. */
  toTime(providerTs: number, receivedAt: number): number;
  /**
   * Takes another node's measurement as ours (a cluster edge cannot ping: it uses the ingest node's offset and
   * latency, so its sample times are the ingest node's to the millisecond).
   */
  adopt(offsetMs: number, latencyMs: number): void;
}

/** Our clock as a u32 for Ping host_ts. */
export function u32Clock(now: number): number {
  return Math.floor(now) >>> 0;
}

/**
 * Cristian's algorithm per provider, keeping the minimum latency seen. Both clocks are u32 ms and wrap after
 * ~49.7 days: our round trip is computed modulo 2^32, and provider timestamps are unwrapped against the last
 * one seen (the nearest 2^32 multiple), so samples stay continuous across the provider's wrap.
 */
export function createClockSync(): ClockSync {
  let offsetMs: number | null = null;
  let latencyMs: number | null = null;
  // Last provider time seen, unwrapped (may exceed 2^32).
  let anchor = -1;

  const unwrap = (ts: number): number => {
    if (anchor < 0) {
      anchor = ts >>> 0;
      return anchor;
    }
    const low = anchor % U32;
    anchor += ((ts >>> 0) - low) | 0;
    return anchor;
  };

  return {
    get synced() {
      return offsetMs !== null;
    },
    get offsetMs() {
      return offsetMs;
    },
    get latencyMs() {
      return latencyMs;
    },
    onPong(hostTs, remoteTs, now) {
      const roundTrip = (u32Clock(now) - (hostTs >>> 0)) >>> 0;
      if (roundTrip > MAX_ROUND_TRIP_MS) return false;
      const latency = roundTrip / 2;
      const remote = unwrap(remoteTs);
      if (latencyMs === null || latency <= latencyMs) {
        latencyMs = latency;
        offsetMs = now - remote;
      }
      return true;
    },
    adopt(offset, latency) {
      offsetMs = offset;
      latencyMs = latency;
    },
    toTime(providerTs, receivedAt) {
      if (offsetMs === null || latencyMs === null) return receivedAt;
      return unwrap(providerTs) + offsetMs - latencyMs;
    },
  };
}
