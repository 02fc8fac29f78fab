// Diverging colour scale for the tuning heatmaps: blue below zero (rich / VE removed), red above (lean / VE added),
// a dark neutral at zero so a converged table reads as calm on the dark theme.

type Rgb = readonly [number, number, number];

const NEGATIVE: Rgb = [59, 130, 246];
const NEUTRAL: Rgb = [38, 44, 56];
const POSITIVE: Rgb = [239, 68, 68];

function mix(a: Rgb, b: Rgb, t: number): Rgb {
  return [
    Math.round(a[0] + (b[0] - a[0]) * t),
    Math.round(a[1] + (b[1] - a[1]) * t),
    Math.round(a[2] + (b[2] - a[2]) * t),
  ];
}

/** Colour of `value` on a symmetric scale ±maxAbs (clamped); null for a cell without data. */
export function heatColor(value: number | null | undefined, maxAbs: number): string | null {
  if (value === null || value === undefined || !Number.isFinite(value)) return null;
  const scale = maxAbs > 0 && Number.isFinite(maxAbs) ? maxAbs : 1;
  const t = Math.min(1, Math.abs(value) / scale);
  const [r, g, b] = mix(NEUTRAL, value < 0 ? NEGATIVE : POSITIVE, t);
  return `rgb(${r}, ${g}, ${b})`;
}

/** The scale's half-range for a table: the largest |value|, at least `floor` so noise does not look saturated. */
export function heatScale(values: ArrayLike<number | null>, floor: number): number {
  let max = floor;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v !== null && Number.isFinite(v) && Math.abs(v) > max) max = Math.abs(v);
  }
  return max;
}
