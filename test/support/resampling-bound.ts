// What a 50 ms re-sampling of a run (its CSV time export, imported back) can change in its binned curve, bin by bin.
// Every point of the export is read off the straight line between two neighbouring samples of the run, so it lies
// between their values; those samples sit within a bin of the point's own (a 20 ms step moves RPM a few tens at
// most), so a bin of the imported run averages values inside the range of the run's pull points within a bin and a
// half of its centre, and so does the run's own bin. The file's rounding (7 significant digits, then float32 in the
// run file) adds about 1e-7 of a value: 1e-6 of the peak is allowed for it.

export interface ResampledComparison {
  /** The common grid of the comparison. */
  x: readonly number[];
  /** The copy minus the run, per grid bin (null where either has no bin). */
  delta: readonly (number | null)[];
  /** The run's pull points (rpm and power, display units, as its curves report them). */
  points: { rpm: readonly number[]; power: readonly number[] };
  binWidth: number;
  peak: number;
}

/** The bins whose delta passes what resampling explains, as `x: delta > bound` texts (none: the curves agree). */
export function binsPastResamplingBound(c: ResampledComparison): string[] {
  return c.x.flatMap((x, i) => {
    const d = c.delta[i];
    if (d === null) return [];
    let lo = Number.POSITIVE_INFINITY;
    let hi = Number.NEGATIVE_INFINITY;
    c.points.rpm.forEach((rpm, j) => {
      if (Math.abs(rpm - x) > 1.5 * c.binWidth) return;
      lo = Math.min(lo, c.points.power[j]);
      hi = Math.max(hi, c.points.power[j]);
    });
    const bound = (hi >= lo ? hi - lo : 0) + c.peak * 1e-6;
    return Math.abs(d) > bound ? [`${x}: ${d.toFixed(3)} > ${bound.toFixed(3)}`] : [];
  });
}
