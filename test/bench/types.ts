/** One figure a benchmark reports. `ratio` is value / baseline.value, both measured in the same run. */
export interface BenchResult {
  /** Table the row is printed in, e.g. 'codec'. */
  section: string;
  name: string;
  value: number;
  /** e.g. 'samples/s', 'ms', 'MB'. */
  unit: string;
  baseline?: { name: string; value: number };
  ratio?: number;
  /** Human-readable goal, e.g. '≥ 0.7x'. */
  target?: string;
  notes?: string;
}

/** What every `test/bench/*.bench.ts` exports. */
export type BenchRun = () => Promise<BenchResult[]>;
