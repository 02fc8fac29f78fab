import {
  displayConversion as contractConversion,
  type UnitConversion,
  type UnitSystem,
} from '@jetdrive-hub/client/contract';
import { UNIT_LABELS } from '../protocol/types.js';
import type { Quantity } from './quantities.js';

// The conversion table is the contract's (client-sdk/src/contract/unit-conversion.ts), so the CLI and the SDK show
// the numbers the HTTP API and the dashboard show; here it only gets the wire units' own labels.

export {
  fromDisplay,
  toDisplay,
  UNIT_SYSTEMS,
  type UnitConversion,
  type UnitSystem,
} from '@jetdrive-hub/client/contract';

/** How to show a value of this wire unit (and quantity, when it needs its own unit) in a unit system. */
export function displayConversion(unit: number, system: UnitSystem, quantity?: Quantity | null): UnitConversion {
  return contractConversion(unit, system, quantity, UNIT_LABELS[unit] ?? '');
}
