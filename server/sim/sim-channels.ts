import type { SimFrame } from '../engine/sim-frame.js';

/** A channel the simulated providers announce, and how to read its value off a frame. */
export interface SimChannel {
  id: number;
  name: string;
  /** JetDrive unit byte. */
  unit: number;
  read(frame: SimFrame): number;
}

export const DYNO_PROVIDER_NAME = 'Simulated Dyno';
export const PROBE_PROVIDER_NAME = 'Atmospheric Probe';

// Named as Power Core names them, SI units on the wire. Ids are the provider's own; the probe's overlap these on
// purpose (real probes and Power Core each number from their own space), so a hub must key by (host, id).
export const DYNO_CHANNELS: readonly SimChannel[] = Object.freeze([
  { id: 1, name: 'Digital RPM 1', unit: 8, read: (f) => f.rpm },
  { id: 2, name: 'Digital RPM 2', unit: 8, read: (f) => f.rpm2 },
  { id: 3, name: 'Force Drum 1', unit: 3, read: (f) => f.forceN },
  { id: 4, name: 'Power', unit: 4, read: (f) => f.powerKw },
  { id: 5, name: 'Torque', unit: 5, read: (f) => f.torqueNm },
  { id: 6, name: 'Speed', unit: 2, read: (f) => f.speedKmh },
  { id: 7, name: 'Acceleration', unit: 10, read: (f) => f.accel },
  { id: 8, name: 'Air/Fuel Ratio 1', unit: 11, read: (f) => f.afrFront },
  { id: 9, name: 'Air/Fuel Ratio 2', unit: 11, read: (f) => f.afrRear },
  { id: 10, name: 'Lambda 1', unit: 13, read: (f) => f.lambda },
  { id: 11, name: 'MAP', unit: 7, read: (f) => f.mapKpa },
  { id: 12, name: 'TPS', unit: 16, read: (f) => f.tps },
  { id: 13, name: 'Engine Temp', unit: 6, read: (f) => f.ectC },
  { id: 14, name: 'IAT', unit: 6, read: (f) => f.iatC },
  { id: 15, name: 'VBatt', unit: 14, read: (f) => f.vbatt },
  { id: 16, name: 'Correction Factor', unit: 255, read: (f) => f.correctionFactor },
]);

export const PROBE_CHANNELS: readonly SimChannel[] = Object.freeze([
  { id: 1, name: 'Humidity', unit: 16, read: (f) => f.humidityPct },
  { id: 2, name: 'Pressure', unit: 7, read: (f) => f.baroKpa },
  { id: 3, name: 'Temperature 1', unit: 6, read: (f) => f.ambientC },
]);
