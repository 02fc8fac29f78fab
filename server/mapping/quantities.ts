// The fixed quantity vocabulary channels map to. Dashboards, the realtime gateway (subscribe by quantity) and the
// tuning sessions speak these names, never raw channel names, because channel names differ per shop and per device.

export const QUANTITIES = [
  'rpm',
  'rpm_2',
  'force',
  'power',
  'torque',
  'speed',
  'acceleration',
  'distance',
  'afr_front',
  'afr_rear',
  'lambda_front',
  'lambda_rear',
  'map',
  'tps',
  'iat',
  'ect',
  'vbatt',
  'baro',
  'humidity',
  'ambient_temp',
  'correction_factor',
] as const;

export type Quantity = (typeof QUANTITIES)[number];

const QUANTITY_SET: ReadonlySet<string> = new Set(QUANTITIES);

export function isQuantity(value: unknown): value is Quantity {
  return typeof value === 'string' && QUANTITY_SET.has(value);
}

/** The JetDrive unit byte each quantity carries on the wire (255 = dimensionless). */
export const QUANTITY_UNIT: Readonly<Record<Quantity, number>> = {
  rpm: 8,
  rpm_2: 8,
  force: 3,
  power: 4,
  torque: 5,
  speed: 2,
  acceleration: 10,
  // Added beyond the list: Power Core exposes "Distance" (unit 1) and run-length dashboards show it.
  distance: 1,
  afr_front: 11,
  afr_rear: 11,
  lambda_front: 13,
  lambda_rear: 13,
  map: 7,
  tps: 16,
  iat: 6,
  ect: 6,
  vbatt: 14,
  baro: 7,
  humidity: 16,
  ambient_temp: 6,
  correction_factor: 255,
};

/** Plausible values in SI wire units; a channel far outside these is probably not this quantity. */
export const QUANTITY_PLAUSIBLE_SI: Readonly<Record<Quantity, { min: number; max: number }>> = {
  rpm: { min: -100, max: 25_000 },
  rpm_2: { min: -100, max: 25_000 },
  force: { min: -20_000, max: 20_000 },
  power: { min: -1_000, max: 2_000 },
  torque: { min: -3_000, max: 5_000 },
  speed: { min: -10, max: 500 },
  acceleration: { min: -200, max: 200 },
  distance: { min: -1, max: 1e7 },
  afr_front: { min: 5, max: 25 },
  afr_rear: { min: 5, max: 25 },
  lambda_front: { min: 0.4, max: 2 },
  lambda_rear: { min: 0.4, max: 2 },
  map: { min: 5, max: 400 },
  tps: { min: -5, max: 105 },
  iat: { min: -40, max: 150 },
  ect: { min: -40, max: 200 },
  vbatt: { min: 0, max: 30 },
  baro: { min: 50, max: 110 },
  humidity: { min: -1, max: 101 },
  ambient_temp: { min: -40, max: 60 },
  correction_factor: { min: 0.7, max: 1.3 },
};
