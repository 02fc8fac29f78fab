/**
 * Linear interpolation of the series (t ascending) at each of `times`; NaN outside its span or in a gap of NaNs.
 * One forward walk: `times` must be ascending too.
 */
export function interpolateAt(t: Float64Array, v: Float64Array, times: Float64Array): Float64Array {
  const out = new Float64Array(times.length).fill(Number.NaN);
  let j = 0;
  for (let i = 0; i < times.length; i++) {
    const x = times[i];
    if (t.length === 0 || x < t[0] || x > t[t.length - 1]) continue;
    while (j < t.length - 2 && t[j + 1] < x) j++;
    if (t[j] === x || j === t.length - 1) {
      out[i] = v[j];
      continue;
    }
    const t0 = t[j];
    const t1 = t[j + 1];
    out[i] = t1 === t0 ? v[j + 1] : v[j] + ((v[j + 1] - v[j]) * (x - t0)) / (t1 - t0);
  }
  return out;
}
