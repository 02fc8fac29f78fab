import { requireSiConversion } from './si-units.js';
import type { RunSeries, SeriesChannel } from './types.js';

/** A channel brought to its wire unit (kW, N·m, km/h, °C, kPa, RPM…): same times, converted values. */
export interface SiChannel {
  name: string;
  quantity: string;
  unit: string;
  t: Float64Array;
  v: Float64Array;
}

export function toSiChannel(c: SeriesChannel, quantity: string): SiChannel {
  const { si, factor, offset } = requireSiConversion(c.unit, c.name);
  const v = new Float64Array(c.v.length);
  for (let i = 0; i < v.length; i++) v[i] = c.v[i] * factor + offset;
  return { name: c.name, quantity, unit: si, t: c.t, v };
}

/** The run's first channel with samples mapped to this quantity, in its wire unit; null when there is none. */
export function findChannel(series: RunSeries, quantity: string): SiChannel | null {
  const c = series.channels.find((ch) => ch.quantity === quantity && ch.v.length > 0);
  return c ? toSiChannel(c, quantity) : null;
}
