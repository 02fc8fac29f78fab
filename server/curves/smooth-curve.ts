import { CurvesError } from './curves-error.js';

// Smoothing levels 0–5, applied to binned curves (never to time), so one level means the same on every run.
// Level 0 is the raw binned curve. Level L ≥ 1: first a 3-bin median, which removes a one-bin spike (a wheel hop, a
// sensor glitch) completely where an average would only spread it; then a Savitzky–Golay quadratic fit over 2L + 3
// bins (±L+1), which averages noise but follows a parabola exactly, so a clean curve's peak stays in its bin
// (a moving average of the same width shifts the peak of an asymmetric torque curve). Near the ends the window
// shrinks symmetrically; bins with a NaN in their window keep their median value.

export const MAX_SMOOTHING = 5;

/** Savitzky–Golay quadratic smoothing weights for half-width m: (3(3m² + 3m − 1) − 15j²) / ((2m + 1)(4m² + 4m − 3)). */
function sgWeight(m: number, j: number): number {
  return (3 * (3 * m * m + 3 * m - 1) - 15 * j * j) / ((2 * m + 1) * (4 * m * m + 4 * m - 3));
}

function median3(values: readonly number[]): number[] {
  return values.map((v, i) => {
    if (i === 0 || i === values.length - 1) return v;
    const a = values[i - 1];
    const c = values[i + 1];
    if (!Number.isFinite(a) || !Number.isFinite(v) || !Number.isFinite(c)) return v;
    return Math.max(Math.min(a, v), Math.min(Math.max(a, v), c));
  });
}

function savitzkyGolay(values: readonly number[], halfWidth: number): number[] {
  return values.map((v, i) => {
    const m = Math.min(halfWidth, i, values.length - 1 - i);
    if (m < 2) return v;
    let sum = 0;
    for (let j = -m; j <= m; j++) {
      const w = values[i + j];
      if (!Number.isFinite(w)) return v;
      sum += sgWeight(m, j) * w;
    }
    return sum;
  });
}

export function assertSmoothing(level: number): void {
  if (!(Number.isInteger(level) && level >= 0 && level <= MAX_SMOOTHING)) {
    throw new CurvesError('INVALID_OPTION', `smoothing: must be a whole number 0–${MAX_SMOOTHING}, got ${level}`, {
      field: 'smoothing',
    });
  }
}

/** The curve at a smoothing level (0–5); level 0 returns a copy. */
export function smoothCurve(values: readonly number[], level: number): number[] {
  assertSmoothing(level);
  if (level === 0) return [...values];
  return savitzkyGolay(median3(values), level + 1);
}
