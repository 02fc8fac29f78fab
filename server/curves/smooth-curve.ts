import { MAX_SMOOTHING } from '@jetdrive-hub/client/contract';
import { CurvesError } from './curves-error.js';

// Smoothing levels 0–5, applied to binned curves (never to time), so one level means the same on every run.
// Level 0 is the raw binned curve. Level L ≥ 1 first removes one-bin spikes (a wheel hop, a sensor glitch): a bin
// that stands off the line through its neighbours by more than SPIKE_MADS times the typical such offset around it
// (median over ±SPIKE_WINDOW bins), and more than its neighbours do, is replaced by its neighbours' mean; an average
// would only spread a spike, a running median would bend a steep clean curve toward its neighbour. Then a
// Savitzky–Golay quartic fit over ±(L + 2) bins (7 to 15 bins) averages noise but follows a quartic exactly, so a
// clean curve's peak stays within a bin: on the engine profiles' curves a moving average of that width, or a quadratic
// fit over 13 bins or more, drags the asymmetric torque peak by two bins. Near the ends the window shrinks
// symmetrically (fewer than 7 bins: the value stays); a bin with a NaN in its window keeps its value.

export { MAX_SMOOTHING };

const SPIKE_MADS = 6;
const SPIKE_WINDOW = 5;

/**
 * Savitzky–Golay quartic smoothing weight of offset j for half-width m (Savitzky & Golay 1964; m = 3 gives the
 * tabulated [5, −30, 75, 131, 75, −30, 5] / 231):
 * 15/4 · ((15m⁴ + 30m³ − 35m² − 50m + 12) − 35(2m² + 2m − 3)j² + 63j⁴) / ((2m − 3)(2m − 1)(2m + 1)(2m + 3)(2m + 5)).
 */
function sgWeight(m: number, j: number): number {
  const m2 = m * m;
  const j2 = j * j;
  const numerator = 15 * m2 * m2 + 30 * m2 * m - 35 * m2 - 50 * m + 12 - 35 * (2 * m2 + 2 * m - 3) * j2 + 63 * j2 * j2;
  return (15 / 4) * (numerator / ((2 * m - 3) * (2 * m - 1) * (2 * m + 1) * (2 * m + 3) * (2 * m + 5)));
}

/** Offset of each interior bin from the mean of its neighbours (NaN at the ends and next to gaps). */
function offsets(values: readonly number[]): number[] {
  return values.map((v, i) =>
    i === 0 || i === values.length - 1 ? Number.NaN : v - (values[i - 1] + values[i + 1]) / 2,
  );
}

function median(values: number[]): number {
  if (values.length === 0) return Number.NaN;
  values.sort((a, b) => a - b);
  const mid = values.length >> 1;
  return values.length % 2 === 1 ? values[mid] : (values[mid - 1] + values[mid]) / 2;
}

function despike(values: readonly number[]): number[] {
  const r = offsets(values).map(Math.abs);
  return values.map((v, i) => {
    if (!Number.isFinite(r[i]) || r[i] < (r[i - 1] || 0) || r[i] < (r[i + 1] || 0)) return v;
    const around = r.slice(Math.max(0, i - SPIKE_WINDOW), i + SPIKE_WINDOW + 1).filter(Number.isFinite);
    const typical = median(around);
    return r[i] > SPIKE_MADS * typical ? (values[i - 1] + values[i + 1]) / 2 : v;
  });
}

function savitzkyGolay(values: readonly number[], halfWidth: number): number[] {
  return values.map((v, i) => {
    const m = Math.min(halfWidth, i, values.length - 1 - i);
    if (m < 3) return v;
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
  return savitzkyGolay(despike(values), level + 2);
}
