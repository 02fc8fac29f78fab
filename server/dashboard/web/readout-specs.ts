// Default look of each readout tile (the rest of the channels are in the channel browser). Ranges are in SI wire units so they convert with the value; discovery's
// suggested_config overrides label, range, decimals and colour when the hub provides one.

export interface ReadoutSpec {
  quantity: string;
  label: string;
  /** Decimals shown in the display unit. */
  decimals: number;
  /** Gauge range in SI wire units. */
  min: number;
  max: number;
  color: string;
  primary?: boolean;
}

export const READOUT_SPECS: readonly ReadoutSpec[] = [
  { quantity: 'rpm', label: 'Engine RPM', decimals: 0, min: 0, max: 8000, color: '#4ade80', primary: true },
  { quantity: 'power', label: 'Power', decimals: 1, min: 0, max: 150, color: '#ef4444', primary: true },
  { quantity: 'torque', label: 'Torque', decimals: 1, min: 0, max: 250, color: '#a78bfa', primary: true },
  { quantity: 'afr_front', label: 'AFR Front', decimals: 2, min: 10, max: 18, color: '#f472b6' },
  { quantity: 'afr_rear', label: 'AFR Rear', decimals: 2, min: 10, max: 18, color: '#fb923c' },
  { quantity: 'lambda_front', label: 'Lambda', decimals: 3, min: 0.7, max: 1.3, color: '#f472b6' },
  { quantity: 'map', label: 'MAP', decimals: 1, min: 0, max: 105, color: '#06b6d4' },
  { quantity: 'tps', label: 'Throttle', decimals: 1, min: 0, max: 100, color: '#8b5cf6' },
  { quantity: 'speed', label: 'Speed', decimals: 1, min: 0, max: 300, color: '#22d3ee' },
  { quantity: 'iat', label: 'Intake Air', decimals: 1, min: 0, max: 80, color: '#f59e0b' },
  { quantity: 'ect', label: 'Engine Temp', decimals: 1, min: 0, max: 150, color: '#f97316' },
  { quantity: 'ambient_temp', label: 'Ambient', decimals: 1, min: -10, max: 50, color: '#fb923c' },
  { quantity: 'baro', label: 'Baro', decimals: 2, min: 90, max: 105, color: '#a78bfa' },
];

/** Fraction of the gauge filled by `value`, clamped to [0, 1]. */
export function gaugeFraction(value: number | null, min: number, max: number): number {
  if (value === null || !Number.isFinite(value) || !(max > min)) return 0;
  return Math.min(1, Math.max(0, (value - min) / (max - min)));
}

/** Decimals for a gauge's end labels: none for wide ranges, enough to tell the ends apart for narrow ones. */
export function rangeDecimals(min: number, max: number): number {
  const span = Math.abs(max - min);
  return span >= 20 ? 0 : span >= 2 ? 1 : span >= 0.2 ? 2 : 3;
}
