import { UNIT_LABELS, UNIT_NAMES } from './types.js';

/** Display label of a unit byte ('kPa', 'RPM'; '' for 255 = no unit). Unassigned bytes show as `unit 17`. */
export function unitLabel(unit: number): string {
  return UNIT_LABELS[unit] ?? `unit ${unit}`;
}

/** Quantity name of a unit byte ('Pressure'); unassigned bytes show as `Unit 17`. */
export function unitName(unit: number): string {
  return UNIT_NAMES[unit] ?? `Unit ${unit}`;
}
