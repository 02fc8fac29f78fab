import { displayConversion, type UnitSystem } from '@jetdrive-hub/client/contract';

/** A value as the CLI shows it: converted to the unit system (the hub's, or --units), with its label. */
export interface Shown {
  value: number;
  unit: string;
}

/** A wire (SI) value of a channel in `system`'s display unit: the same table as the hub's HTTP API and dashboard. */
export function show(
  channel: { unitCode: number; unit: string; quantity: string | null },
  value: number,
  system: UnitSystem,
): Shown {
  const conversion = displayConversion(channel.unitCode, system, channel.quantity, channel.unit);
  return { value: value * conversion.factor + conversion.offset, unit: conversion.label };
}
