import { histogramValue } from './viewer-protocol.js';

/** The latency (ms, bucket midpoint) below which `fraction` of a viewer latency histogram lies; NaN when empty. */
export function histogramPercentile(histogram: readonly number[], fraction: number): number {
  const total = histogram.reduce((sum, count) => sum + count, 0);
  let seen = 0;
  for (let i = 0; i < histogram.length; i++) {
    seen += histogram[i];
    if (seen >= total * fraction) return histogramValue(i);
  }
  return Number.NaN;
}
