import { measureReplayThroughput } from './replay-throughput.js';
import type { BenchResult } from './types.js';

// `npm run bench -- replay`: replay throughput (test/bench/replay-throughput.ts).
export async function run(): Promise<BenchResult[]> {
  return measureReplayThroughput('replay');
}
