import type { Quantity } from './quantities.js';

// What a channel's name says, as word phrases (see name-tokens.ts). Checked in order, so the specific phrases
// ("engine speed", "intake air temp", "barometric pressure") win over the generic ones ("speed", "air temp",
// "pressure"). A family leaves the choice within it to the unit byte, the position (1/2, front/rear) and behaviour.

export type NameFamily = 'rpm' | 'afr' | 'lambda' | 'pressure' | 'temperature';

export type NameVerdict = { kind: 'quantity'; quantity: Quantity } | { kind: 'family'; family: NameFamily };

export interface NameRule {
  verdict: NameVerdict;
  phrases: readonly (readonly string[])[];
}

const q = (quantity: Quantity, ...phrases: string[]): NameRule => ({
  verdict: { kind: 'quantity', quantity },
  phrases: phrases.map((phrase) => phrase.split(' ')),
});
const f = (family: NameFamily, ...phrases: string[]): NameRule => ({
  verdict: { kind: 'family', family },
  phrases: phrases.map((phrase) => phrase.split(' ')),
});

export const NAME_RULES: readonly NameRule[] = [
  q('correction_factor', 'correction factor', 'correction', 'cf', 'sae j1349'),
  q('humidity', 'humidity', 'rh'),
  q('baro', 'baro', 'barometric', 'barometer', 'atmospheric pressure', 'ambient pressure', 'air pressure'),
  q('map', 'map', 'manifold', 'boost'),
  q('iat', 'iat', 'intake air', 'intake temp', 'intake temperature', 'mat', 'charge temp'),
  q('ect', 'ect', 'clt', 'coolant', 'engine temp', 'engine temperature', 'water temp', 'cht', 'head temp'),
  q('ambient_temp', 'ambient', 'air temp', 'air temperature', 'outside temp'),
  q('tps', 'tps', 'throttle'),
  q('vbatt', 'vbatt', 'vbat', 'battery', 'batt'),
  f('lambda', 'lambda'),
  f('afr', 'afr', 'air fuel', 'a f'),
  f('rpm', 'rpm', 'engine speed', 'tach', 'tachometer'),
  q('speed', 'speed', 'mph', 'kph', 'velocity'),
  q('acceleration', 'acceleration', 'accel'),
  q('force', 'force', 'load cell'),
  q('torque', 'torque', 'tq', 'trq'),
  q('power', 'power', 'horsepower', 'hp', 'bhp', 'whp'),
  q('distance', 'distance', 'odometer'),
  f('pressure', 'pressure', 'press'),
  f('temperature', 'temperature', 'temp'),
];

/**
 * Words naming a device's own diagnostics ("Internal Temp 1", "Sampling", "TCP TX kB/s", "Link 0 Status"); the
 * older mapper turned these into ECT, spark and knock. They veto any name-based quantity.
 */
export const DIAGNOSTIC_WORDS: ReadonlySet<string> = new Set([
  'internal',
  'cpu',
  'board',
  'sampling',
  'tcp',
  'udp',
  'rx',
  'tx',
  'link',
  'signal',
  'strength',
  'duration',
  'status',
  'kb',
]);
