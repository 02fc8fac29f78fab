// Averages raw points into fixed-width bins of x (RPM or speed): bin k holds the points with round(x / width) = k,
// so every run binned at one width lands on one common grid (k × width) and runs compare bin for bin.

export interface BinnedSeries {
  /** Bin index k (x = k × width), ascending; only bins with points. */
  k: number[];
  count: number[];
  /** Mean of each y per bin (NaN where no finite y fell in it). */
  y: Record<string, number[]>;
}

export function binOnGrid(x: Float64Array, ys: Record<string, Float64Array>, width: number): BinnedSeries {
  const names = Object.keys(ys);
  const sums = new Map<number, { n: number; sum: number[]; finite: number[] }>();
  for (let i = 0; i < x.length; i++) {
    if (!Number.isFinite(x[i])) continue;
    const k = Math.round(x[i] / width);
    let s = sums.get(k);
    if (!s) {
      s = { n: 0, sum: names.map(() => 0), finite: names.map(() => 0) };
      sums.set(k, s);
    }
    s.n++;
    for (let j = 0; j < names.length; j++) {
      const v = ys[names[j]][i];
      if (!Number.isFinite(v)) continue;
      s.sum[j] += v;
      s.finite[j]++;
    }
  }
  const k = [...sums.keys()].sort((a, b) => a - b);
  const out: BinnedSeries = { k, count: [], y: Object.fromEntries(names.map((n) => [n, [] as number[]])) };
  for (const key of k) {
    const s = sums.get(key)!;
    out.count.push(s.n);
    names.forEach((n, j) => {
      out.y[n].push(s.finite[j] > 0 ? s.sum[j] / s.finite[j] : Number.NaN);
    });
  }
  return out;
}
