// Messages between a test/bench and its viewer child processes (viewer-process.ts).

export type ViewerCommand = { type: 'stats'; reset?: boolean } | { type: 'close' };

export type ViewerMessage =
  | { type: 'ready'; clients: number }
  | { type: 'event'; event: string; detail: unknown }
  | { type: 'stats'; frames: number; samples: number; histogram: number[] };

/**
 * Latency histogram: 10 µs buckets below 50 ms, 1 ms buckets from 50 ms to 1 s, then one overflow bucket.
 * Fine buckets reach 50 ms so a p99 of 10–20 ms (500 viewers on a busy 2-core machine) is not rounded to a 1 ms
 * bucket midpoint.
 */
const FINE_BUCKETS = 5_000;
const FINE_LIMIT_MS = 50;
export const HISTOGRAM_BUCKETS = FINE_BUCKETS + (1_000 - FINE_LIMIT_MS) + 1;

export function histogramBucket(latencyMs: number): number {
  if (latencyMs < FINE_LIMIT_MS) return Math.max(0, Math.floor(latencyMs / 0.01));
  return Math.min(HISTOGRAM_BUCKETS - 1, FINE_BUCKETS + Math.floor(latencyMs - FINE_LIMIT_MS));
}

/** Midpoint of a bucket, ms (the overflow bucket reports its lower edge, 1000 ms). */
export function histogramValue(bucket: number): number {
  if (bucket < FINE_BUCKETS) return (bucket + 0.5) * 0.01;
  if (bucket === HISTOGRAM_BUCKETS - 1) return 1_000;
  return FINE_LIMIT_MS + (bucket - FINE_BUCKETS) + 0.5;
}
