import { NEVER } from 'rxjs';
import type { ChannelMeta, QuantityResolver } from './types.js';

// Until server/mapping/ plugs in the real vocabulary: a coarse quantity from the unit byte, else from name keywords.
const BY_UNIT: Readonly<Record<number, string>> = {
  0: 'time',
  1: 'distance',
  2: 'speed',
  3: 'force',
  4: 'power',
  5: 'torque',
  6: 'temperature',
  7: 'pressure',
  8: 'rpm',
  9: 'gear_ratio',
  10: 'acceleration',
  11: 'afr',
  12: 'flow',
  13: 'lambda',
  14: 'volts',
  15: 'amps',
  16: 'percent',
};

const BY_NAME: readonly [RegExp, string][] = [
  [/rpm/i, 'rpm'],
  [/air\s*\/\s*fuel|\bafr\b/i, 'afr'],
  [/lambda/i, 'lambda'],
  [/\bmap\b|manifold/i, 'map'],
  [/\btps\b|throttle/i, 'tps'],
  [/horse|\bhp\b|power/i, 'power'],
  [/torque|\btq\b/i, 'torque'],
  [/force/i, 'force'],
  [/speed|mph|km\/h/i, 'speed'],
  [/humid/i, 'humidity'],
  [/pressure|baro/i, 'pressure'],
  [/temp|\biat\b/i, 'temperature'],
  [/volt|batt/i, 'volts'],
  [/accel/i, 'acceleration'],
  [/distance/i, 'distance'],
];

export function defaultQuantityOf(channel: Pick<ChannelMeta, 'name' | 'unit'>): string | null {
  const byUnit = BY_UNIT[channel.unit];
  if (byUnit !== undefined) return byUnit;
  for (const [pattern, quantity] of BY_NAME) if (pattern.test(channel.name)) return quantity;
  return null;
}

/** The stand-in resolver: never changes; unit 255 (or 254) with no recognisable name is unmapped. */
export function createDefaultQuantityResolver(): QuantityResolver {
  return { quantityOf: defaultQuantityOf, changes$: NEVER };
}
