import {
  DYNO_CHANNELS,
  DYNO_PROVIDER_NAME,
  PROBE_CHANNELS,
  PROBE_PROVIDER_NAME,
  type SimChannel,
} from '../../server/sim/sim-channels.js';

// The simulated dyno's channel set (issue 4), taken from the simulator itself so tests follow it, plus what tests
// expect of it: the quantity each channel must map to and realistic SI values.

export const DYNO_PROVIDER = DYNO_PROVIDER_NAME;
export const ATMO_PROVIDER = PROBE_PROVIDER_NAME;

export interface SimulatorChannelSpec {
  provider: string;
  /** The provider's own channel id (the probe's overlap the dyno's). */
  id: number;
  name: string;
  unit: number;
  /** The quantity the mapping must give it. */
  quantity: string;
}

// Written out rather than derived from the mapping: this is the expectation the mapping is tested against.
const QUANTITY_OF: Readonly<Record<string, string>> = {
  'Digital RPM 1': 'rpm',
  'Digital RPM 2': 'rpm_2',
  'Force Drum 1': 'force',
  Power: 'power',
  Torque: 'torque',
  Speed: 'speed',
  Acceleration: 'acceleration',
  'Air/Fuel Ratio 1': 'afr_front',
  'Air/Fuel Ratio 2': 'afr_rear',
  'Lambda 1': 'lambda_front',
  MAP: 'map',
  TPS: 'tps',
  'Engine Temp': 'ect',
  IAT: 'iat',
  VBatt: 'vbatt',
  'Correction Factor': 'correction_factor',
  Humidity: 'humidity',
  Pressure: 'baro',
  'Temperature 1': 'ambient_temp',
};

function specsOf(provider: string, channels: readonly SimChannel[]): SimulatorChannelSpec[] {
  return channels.map(({ id, name, unit }) => {
    const quantity = QUANTITY_OF[name];
    if (quantity === undefined) throw new Error(`simulator channel "${name}" has no expected quantity in the tests`);
    return { provider, id, name, unit, quantity };
  });
}

/** Both simulated providers' channels, dyno first, in announcement order. */
export const SIMULATOR_CHANNELS: readonly SimulatorChannelSpec[] = [
  ...specsOf(DYNO_PROVIDER, DYNO_CHANNELS),
  ...specsOf(ATMO_PROVIDER, PROBE_CHANNELS),
];

/**
 * SI values of a wide-open-throttle pull at progress p (0 idle … 1 redline) for an M8-114-like engine: what the
 * simulator puts on the wire (kW, N·m, N, km/h, °C, kPa).
 */
export function simulatorValue(name: string, p: number, jitter: number): number {
  const rpm = 900 + p * 4900;
  const torqueNm = p === 0 ? 0 : 140 + 25 * Math.sin(Math.PI * p);
  const table: Record<string, number> = {
    'Digital RPM 1': rpm,
    'Digital RPM 2': rpm * 0.98,
    'Force Drum 1': torqueNm * 4.1,
    Power: (torqueNm * rpm * 2 * Math.PI) / 60_000,
    Torque: torqueNm,
    Speed: 12 + p * 160,
    Acceleration: p === 0 ? 0 : 18 - 8 * p,
    'Air/Fuel Ratio 1': p === 0 ? 14 : 12.9,
    'Air/Fuel Ratio 2': p === 0 ? 14.1 : 13,
    'Lambda 1': p === 0 ? 0.952 : 0.878,
    MAP: 30 + p * 68,
    TPS: p === 0 ? 2 : 98,
    'Engine Temp': 82 + p * 6,
    IAT: 32 + p * 3,
    VBatt: 13.6,
    'Correction Factor': 1.012,
    Humidity: 48,
    Pressure: 101.3,
    'Temperature 1': 23.9,
  };
  const base = table[name];
  if (base === undefined) throw new Error(`simulatorValue: unknown channel ${name}`);
  // Atmospheric values stay still; engine values carry noise proportional to their size.
  const still =
    name === 'Pressure' ||
    name === 'Humidity' ||
    name === 'Temperature 1' ||
    name === 'Correction Factor' ||
    name === 'VBatt';
  return still ? base + jitter * 0.02 : base * (1 + jitter * 0.003);
}
