import type { Quantity } from './quantities.js';
import { displayConversion, toDisplay, type UnitSystem } from './unit-conversion.js';

// Dashboard display configs, shaped like the older discover endpoint's `suggested_config` and seeded from the
// older dashboard's channel table (labels, ranges, colours), but chosen by quantity instead of by substring, with
// units that match the converted value, and ranges widened to what the channel has really shown.

export interface SuggestedConfig {
  label: string;
  units: string;
  min: number;
  max: number;
  decimals: number;
  color: string;
}

interface Preset {
  label: string;
  decimals: number;
  color: string;
  range: Readonly<Record<UnitSystem, readonly [number, number]>>;
}

const same = (min: number, max: number): Readonly<Record<UnitSystem, readonly [number, number]>> => ({
  imperial: [min, max],
  metric: [min, max],
});

const PRESETS: Readonly<Record<Quantity, Preset>> = {
  rpm: { label: 'RPM 1', decimals: 0, color: '#4ade80', range: same(0, 8000) },
  rpm_2: { label: 'RPM 2', decimals: 0, color: '#22d3ee', range: same(0, 8000) },
  force: { label: 'Force', decimals: 1, color: '#4ade80', range: { imperial: [0, 500], metric: [0, 2200] } },
  power: { label: 'Power', decimals: 1, color: '#10b981', range: { imperial: [0, 200], metric: [0, 150] } },
  torque: { label: 'Torque', decimals: 1, color: '#8b5cf6', range: { imperial: [0, 200], metric: [0, 270] } },
  speed: { label: 'Speed', decimals: 1, color: '#06b6d4', range: { imperial: [0, 200], metric: [0, 320] } },
  acceleration: {
    label: 'Acceleration',
    decimals: 2,
    color: '#22d3ee',
    range: { imperial: [-10, 20], metric: [-16, 32] },
  },
  distance: { label: 'Distance', decimals: 1, color: '#888888', range: { imperial: [0, 1000], metric: [0, 300] } },
  afr_front: { label: 'AFR Front', decimals: 2, color: '#f472b6', range: same(10, 18) },
  afr_rear: { label: 'AFR Rear', decimals: 2, color: '#fb923c', range: same(10, 18) },
  lambda_front: { label: 'Lambda Front', decimals: 3, color: '#f472b6', range: same(0.7, 1.3) },
  lambda_rear: { label: 'Lambda Rear', decimals: 3, color: '#fb923c', range: same(0.7, 1.3) },
  map: { label: 'MAP', decimals: 1, color: '#06b6d4', range: same(0, 105) },
  tps: { label: 'TPS', decimals: 1, color: '#14b8a6', range: same(0, 100) },
  iat: { label: 'IAT', decimals: 0, color: '#f59e0b', range: { imperial: [0, 200], metric: [-20, 95] } },
  ect: { label: 'Engine Temp', decimals: 0, color: '#ef4444', range: { imperial: [0, 300], metric: [-20, 150] } },
  vbatt: { label: 'Battery', decimals: 2, color: '#eab308', range: same(11, 15) },
  baro: { label: 'Baro Pressure', decimals: 2, color: '#a78bfa', range: { imperial: [26.5, 32.5], metric: [90, 110] } },
  humidity: { label: 'Humidity', decimals: 1, color: '#60a5fa', range: same(0, 100) },
  ambient_temp: {
    label: 'Ambient Temp',
    decimals: 1,
    color: '#f97316',
    range: { imperial: [14, 122], metric: [-10, 50] },
  },
  correction_factor: { label: 'Correction Factor', decimals: 3, color: '#94a3b8', range: same(0.9, 1.1) },
};

/** Rounds a gauge bound outward to 1, 2 or 5 × a power of ten, so a widened range still reads well. */
function niceBound(value: number, direction: 'up' | 'down'): number {
  if (value === 0) return 0;
  const magnitude = 10 ** Math.floor(Math.log10(Math.abs(value)));
  const step = magnitude / 2;
  const rounded = direction === 'up' ? Math.ceil(value / step) * step : Math.floor(value / step) * step;
  return Number(rounded.toPrecision(12));
}

export interface SuggestedConfigInput {
  quantity: Quantity | null;
  /** JetDrive unit byte (after any override). */
  unit: number;
  /** Label when unmapped, or a user's display name. */
  name: string;
  labelOverride?: string;
  /** Observed extremes in SI units. */
  min?: number | null;
  max?: number | null;
}

export function suggestedConfig(input: SuggestedConfigInput, system: UnitSystem): SuggestedConfig {
  const conversion = displayConversion(input.unit, system, input.quantity);
  const seenMin = toDisplay(input.min, conversion);
  const seenMax = toDisplay(input.max, conversion);
  if (input.quantity === null) {
    const min = seenMin === null ? 0 : niceBound(Math.min(0, seenMin), 'down');
    const max = seenMax === null ? 100 : niceBound(Math.max(seenMax, min + 1), 'up');
    return {
      label: input.labelOverride ?? input.name,
      units: conversion.label,
      min,
      max,
      decimals: 2,
      color: '#888888',
    };
  }
  const preset = PRESETS[input.quantity];
  const [presetMin, presetMax] = preset.range[system];
  return {
    label: input.labelOverride ?? preset.label,
    units: input.quantity === 'afr_front' || input.quantity === 'afr_rear' ? ':1' : conversion.label,
    min: seenMin !== null && seenMin < presetMin ? niceBound(seenMin, 'down') : presetMin,
    max: seenMax !== null && seenMax > presetMax ? niceBound(seenMax, 'up') : presetMax,
    decimals: preset.decimals,
    color: preset.color,
  };
}
