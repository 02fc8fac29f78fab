// Axes of a VE table as a tuner uploads it (any ascending breakpoints, not only the ECU grid's even steps), and how a
// sample's operating point falls on them: the four neighbouring cells with their bilinear weights, as the ECU reads.

/** A table's breakpoints: rows by RPM, columns by load (MAP kPa or TPS %); cell index = rpmIndex × load.length + loadIndex. */
export interface AnalysisAxes {
  readonly rpm: readonly number[];
  readonly load: readonly number[];
}

/** Largest axis accepted: the state and the solver's work are sized by the grid. */
export const MAX_AXIS_POINTS = 32;

/** Where a value falls on one axis: lower node `i` (≤ length − 2) and the fraction `f` ∈ [0, 1] toward node i + 1. */
export interface AxisPosition {
  i: number;
  f: number;
}

/** Throws a RangeError naming the axis unless it has 2..MAX_AXIS_POINTS finite, strictly ascending values. */
export function checkAxis(name: string, axis: readonly number[]): void {
  if (axis.length < 2 || axis.length > MAX_AXIS_POINTS) {
    throw new RangeError(`${name}: needs 2 to ${MAX_AXIS_POINTS} breakpoints, got ${axis.length}`);
  }
  for (let i = 0; i < axis.length; i++) {
    if (!Number.isFinite(axis[i])) throw new RangeError(`${name}[${i}]: ${axis[i]} is not a finite number`);
    if (i > 0 && !(axis[i] > axis[i - 1])) {
      throw new RangeError(`${name}[${i}]: ${axis[i]} is not above ${axis[i - 1]} (breakpoints must ascend)`);
    }
  }
}

export function cellCount(axes: AnalysisAxes): number {
  return axes.rpm.length * axes.load.length;
}

/**
 * Position of `v` on `axis` into `out`; false when v lies more than half the end step outside the axis (not this
 * table's data). Inside that margin it is clamped to the end node, as the ECU clamps its lookups.
 */
export function axisPosition(axis: readonly number[], v: number, out: AxisPosition): boolean {
  const n = axis.length;
  if (!(v >= axis[0])) {
    if (!(v >= axis[0] - (axis[1] - axis[0]) / 2)) return false;
    out.i = 0;
    out.f = 0;
    return true;
  }
  if (v >= axis[n - 1]) {
    if (v > axis[n - 1] + (axis[n - 1] - axis[n - 2]) / 2) return false;
    out.i = n - 2;
    out.f = 1;
    return true;
  }
  // Binary search: O(log n) on at most MAX_AXIS_POINTS breakpoints.
  let lo = 0;
  let hi = n - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (axis[mid] <= v) lo = mid;
    else hi = mid;
  }
  out.i = lo;
  out.f = (v - axis[lo]) / (axis[lo + 1] - axis[lo]);
  return true;
}

/** The four cells around a point and their weights (w00 at (i, j), w01 at (i, j+1), w10 at (i+1, j), w11). */
export interface CellWeights {
  /** Index of the (rpm i, load j) cell; the others are +1, +loadPoints, +loadPoints+1. */
  base: number;
  w00: number;
  w01: number;
  w10: number;
  w11: number;
}

/** Bilinear weights of (rpm, load) into `out`; false when the point is off the table. */
export function bilinearWeights(
  axes: AnalysisAxes,
  rpm: number,
  load: number,
  r: AxisPosition,
  l: AxisPosition,
  out: CellWeights,
): boolean {
  if (!axisPosition(axes.rpm, rpm, r) || !axisPosition(axes.load, load, l)) return false;
  out.base = r.i * axes.load.length + l.i;
  out.w00 = (1 - r.f) * (1 - l.f);
  out.w01 = (1 - r.f) * l.f;
  out.w10 = r.f * (1 - l.f);
  out.w11 = r.f * l.f;
  return true;
}

/** Bilinear read of a table at the point whose weights are `w` (what the ECU would read). */
export function readWeighted(table: ArrayLike<number>, loadPoints: number, w: CellWeights): number {
  const k = w.base;
  return table[k] * w.w00 + table[k + 1] * w.w01 + table[k + loadPoints] * w.w10 + table[k + loadPoints + 1] * w.w11;
}

/** The cell with the largest weight: the nearest node (ties to the higher node, like nearestCell). */
export function nearestOf(loadPoints: number, w: CellWeights, r: AxisPosition, l: AxisPosition): number {
  return w.base + (r.f >= 0.5 ? loadPoints : 0) + (l.f >= 0.5 ? 1 : 0);
}
