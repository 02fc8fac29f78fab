import { displayConversion, POWER_UNIT, TORQUE_UNIT, type UnitSystem } from '@jetdrive-hub/client/contract';
import { CurvesError } from './curves-error.js';

// The analysis works in the JetDrive wire units (kW, N·m, km/h, °C, kPa, RPM). A run from the library is already in
// them; an imported file may say hp, ft·lb, mph, °F or inHg. One table turns any label it knows into the wire unit;
// display conversions are the contract's (the numbers every screen shows), so hp here is the dashboard's hp.

/** si = value × factor + offset */
export interface SiConversion {
  /** The wire unit's label: kW, N·m, km/h, °C, kPa, RPM, AFR, λ, %, ms. */
  si: string;
  factor: number;
  offset: number;
}

const HP_PER_KW = displayConversion(POWER_UNIT, 'imperial').factor;
const FTLB_PER_NM = displayConversion(TORQUE_UNIT, 'imperial').factor;
/** 2 is the JetDrive speed unit (km/h on the wire). */
const MPH_PER_KMH = displayConversion(2, 'imperial').factor;
const KPA_PER_INHG = 3.386389;
const KPA_PER_PSI = 6.894757;

const same = (si: string): SiConversion => ({ si, factor: 1, offset: 0 });
const scaled = (si: string, factor: number): SiConversion => ({ si, factor, offset: 0 });

/** Lower-case label, `·`, `-`, `.` and spaces removed (ft·lb, ft-lb, ft.lb and ft lb are one unit) → conversion. */
const BY_LABEL: ReadonlyMap<string, SiConversion> = new Map([
  ['kw', same('kW')],
  ['w', scaled('kW', 0.001)],
  ['hp', scaled('kW', 1 / HP_PER_KW)],
  ['nm', same('N·m')],
  ['ftlb', scaled('N·m', 1 / FTLB_PER_NM)],
  ['lbft', scaled('N·m', 1 / FTLB_PER_NM)],
  ['km/h', same('km/h')],
  ['kph', same('km/h')],
  ['mph', scaled('km/h', 1 / MPH_PER_KMH)],
  ['m/s', scaled('km/h', 3.6)],
  ['°c', same('°C')],
  ['degc', same('°C')],
  ['c', same('°C')],
  ['°f', { si: '°C', factor: 5 / 9, offset: (-32 * 5) / 9 }],
  ['degf', { si: '°C', factor: 5 / 9, offset: (-32 * 5) / 9 }],
  ['f', { si: '°C', factor: 5 / 9, offset: (-32 * 5) / 9 }],
  ['k', { si: '°C', factor: 1, offset: -273.15 }],
  ['kpa', same('kPa')],
  ['hpa', scaled('kPa', 0.1)],
  ['mbar', scaled('kPa', 0.1)],
  ['bar', scaled('kPa', 100)],
  ['inhg', scaled('kPa', KPA_PER_INHG)],
  ['psi', scaled('kPa', KPA_PER_PSI)],
  ['rpm', same('RPM')],
  ['1/min', same('RPM')],
  ['afr', same('AFR')],
  ['a/f', same('AFR')],
  ['λ', same('λ')],
  ['lambda', same('λ')],
  ['%', same('%')],
  ['s', scaled('ms', 1000)],
  ['ms', same('ms')],
]);

const normalise = (label: string): string =>
  label
    .trim()
    .toLowerCase()
    .replace(/[·\-. ]/g, '');

/** How to bring values of this unit label to the wire unit; null for a label the table does not know. */
export function siConversion(label: string): SiConversion | null {
  return BY_LABEL.get(normalise(label)) ?? null;
}

/** Like siConversion, but a label it does not know is refused, naming the channel. */
export function requireSiConversion(label: string, channel: string): SiConversion {
  const conversion = siConversion(label);
  if (conversion) return conversion;
  throw new CurvesError('UNKNOWN_UNIT', `channel "${channel}": unit "${label}" is not one the analysis converts`, {
    field: channel,
  });
}

/** Display units of the curves: imperial hp / ft·lb / mph, metric kW / N·m / km/h. */
export interface CurveUnits {
  system: UnitSystem;
  power: string;
  torque: string;
  speed: string;
  /** display = si × factor */
  powerFactor: number;
  torqueFactor: number;
  speedFactor: number;
}

export function curveUnits(system: UnitSystem): CurveUnits {
  if (system === 'metric') {
    return { system, power: 'kW', torque: 'N·m', speed: 'km/h', powerFactor: 1, torqueFactor: 1, speedFactor: 1 };
  }
  return {
    system,
    power: 'hp',
    torque: 'ft·lb',
    speed: 'mph',
    powerFactor: HP_PER_KW,
    torqueFactor: FTLB_PER_NM,
    speedFactor: MPH_PER_KMH,
  };
}
