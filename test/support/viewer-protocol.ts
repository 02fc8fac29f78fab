// Messages between a test/bench and its viewer child processes (viewer-process.ts).

export type ViewerCommand = { type: 'stats'; reset?: boolean } | { type: 'close' };

export type ViewerMessage =
  | { type: 'ready'; clients: number }
  | { type: 'event'; event: string; detail: unknown }
  | { type: 'stats'; frames: number; samples: number; histogram: number[] };

/** Latency histogram: 10 µs buckets below 10 ms, 1 ms buckets from 10 ms to 1 s, then one overflow bucket. */
export const HISTOGRAM_BUCKETS = 1_000 + 990 + 1;

export function histogramBucket(latencyMs: number): number {
  if (latencyMs < 10) return Math.max(0, Math.floor(latencyMs / 0.01));
  return Math.min(HISTOGRAM_BUCKETS - 1, 1_000 + Math.floor(latencyMs - 10));
}

/** Midpoint of a bucket, ms (the overflow bucket reports its lower edge, 1000 ms). */
export function histogramValue(bucket: number): number {
  if (bucket < 1_000) return (bucket + 0.5) * 0.01;
  if (bucket === HISTOGRAM_BUCKETS - 1) return 1_000;
  return 10 + (bucket - 1_000) + 0.5;
}
