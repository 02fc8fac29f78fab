import type { UnitSystem } from '../../mapping/unit-conversion.js';

// The iteration table's peak power and torque arrive in hp and ft·lb (the sessions module's fields are named so);
// the table shows them in the unit system the page shows, like every other number.

const KW_PER_HP = 0.745699872;
const NM_PER_FTLB = 1.3558179483;

export interface PeakColumns {
  powerUnit: string;
  torqueUnit: string;
  power(hp: number): number;
  torque(ftLb: number): number;
}

export function peakColumns(system: UnitSystem): PeakColumns {
  return system === 'metric'
    ? { powerUnit: 'kW', torqueUnit: 'N·m', power: (hp) => hp * KW_PER_HP, torque: (ftLb) => ftLb * NM_PER_FTLB }
    : { powerUnit: 'hp', torqueUnit: 'ft·lb', power: (hp) => hp, torque: (ftLb) => ftLb };
}
