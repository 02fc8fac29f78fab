/** The highest finite value and its x; null for a curve with none. */
export interface Peak {
  value: number;
  x: number;
}

export function findPeak(x: readonly number[], y: readonly number[]): Peak | null {
  let best: Peak | null = null;
  for (let i = 0; i < y.length; i++) {
    if (Number.isFinite(y[i]) && (best === null || y[i] > best.value)) best = { value: y[i], x: x[i] };
  }
  return best;
}

/**
 * The x values where curves a and b cross (a − b changes sign between neighbouring bins), linearly interpolated.
 * In imperial units power (hp) and torque (ft·lb) cross at 5252 rpm: hp = ft·lb × rpm / 5252.
 */
export function findCrossings(x: readonly number[], a: readonly number[], b: readonly number[]): number[] {
  const out: number[] = [];
  for (let i = 1; i < x.length; i++) {
    const d0 = a[i - 1] - b[i - 1];
    const d1 = a[i] - b[i];
    if (!Number.isFinite(d0) || !Number.isFinite(d1)) continue;
    if (d0 === 0) out.push(x[i - 1]);
    else if (d0 * d1 < 0) out.push(x[i - 1] + ((x[i] - x[i - 1]) * d0) / (d0 - d1));
  }
  if (x.length > 0 && a[x.length - 1] - b[x.length - 1] === 0) out.push(x[x.length - 1]);
  return out;
}
