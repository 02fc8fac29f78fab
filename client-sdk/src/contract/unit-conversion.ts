// Display units. JetDrive values are SI on the wire; converting them is a display concern. One table, shared by the
// hub (HTTP API, suggested dashboard configs, the dashboard) and the SDK and CLI, so every screen shows the same
// numbers. Pure: no I/O.

export type UnitSystem = 'imperial' | 'metric';

export const UNIT_SYSTEMS: readonly UnitSystem[] = ['imperial', 'metric'];

/** display = si × factor + offset */
export interface UnitConversion {
  label: string;
  factor: number;
  offset: number;
}

const identity = (label: string): UnitConversion => ({ label, factor: 1, offset: 0 });

/** JetDrive unit byte → conversion per system (units not listed show as they are). */
const BY_UNIT_BYTE: Readonly<Record<number, Readonly<Record<UnitSystem, UnitConversion>>>> = {
  1: { imperial: { label: 'ft', factor: 3.280839895, offset: 0 }, metric: identity('m') },
  2: { imperial: { label: 'mph', factor: 0.621371192, offset: 0 }, metric: identity('km/h') },
  3: { imperial: { label: 'lb', factor: 0.224808943, offset: 0 }, metric: identity('N') },
  4: { imperial: { label: 'hp', factor: 1.34102209, offset: 0 }, metric: identity('kW') },
  5: { imperial: { label: 'ft·lb', factor: 0.737562149, offset: 0 }, metric: identity('N·m') },
  6: { imperial: { label: '°F', factor: 1.8, offset: 32 }, metric: identity('°C') },
  10: { imperial: { label: 'mph/s', factor: 0.621371192, offset: 0 }, metric: identity('km/h/s') },
  12: { imperial: { label: 'lb/h', factor: 2.204622622, offset: 0 }, metric: identity('kg/h') },
};

/** The JetDrive unit bytes of power and torque (a tuning session reports peak hp and ft·lb). */
export const POWER_UNIT = 4;
export const TORQUE_UNIT = 5;

// Barometric pressure is read in inHg in US shops (weather reports, SAE correction sheets), while MAP stays in kPa
// in both systems because VE tables are indexed by kPa.
const BY_QUANTITY: Readonly<Record<string, Readonly<Record<UnitSystem, UnitConversion>>>> = {
  baro: { imperial: { label: 'inHg', factor: 0.295299830714, offset: 0 }, metric: identity('kPa') },
};

/**
 * How to show a value of this wire unit (and quantity, when it needs its own unit) in a unit system; a unit without
 * a conversion keeps `label` (the wire unit's own label).
 */
export function displayConversion(
  unit: number,
  system: UnitSystem,
  quantity?: string | null,
  label = '',
): UnitConversion {
  const byQuantity = quantity ? BY_QUANTITY[quantity] : undefined;
  if (byQuantity) return byQuantity[system];
  const byUnit = BY_UNIT_BYTE[unit];
  if (byUnit) return byUnit[system];
  return identity(label);
}

/** Converts one SI value; NaN and ±Infinity become null so they survive JSON. */
export function toDisplay(value: number | null | undefined, conversion: UnitConversion): number | null {
  if (value === null || value === undefined || !Number.isFinite(value)) return null;
  return value * conversion.factor + conversion.offset;
}

/** Converts a display value back to SI (e.g. a threshold typed by a user). */
export function fromDisplay(value: number, conversion: UnitConversion): number {
  return (value - conversion.offset) / conversion.factor;
}
