import { isQuantity } from '../../mapping/quantities.js';
import { displayConversion, type UnitSystem } from '../../mapping/unit-conversion.js';
import type { ReadoutSuggestion } from './create-readouts-panel.js';
import type { SuggestedConfig } from './parse-discovery.js';

/**
 * What of discovery's suggested_config a readout can use. Decimals and colour always. The range is given in the
 * unit system the page asked for; tiles keep ranges in SI, so it is converted back, and only when its unit is the
 * one this page shows (a range in some other unit would be misread).
 */
export function suggestionForReadout(
  config: SuggestedConfig,
  unitCode: number,
  system: UnitSystem,
  quantity: string | null,
): ReadoutSuggestion {
  const out: ReadoutSuggestion = {};
  if (config.decimals !== null) out.decimals = config.decimals;
  if (config.color !== null) out.color = config.color;
  const conversion = displayConversion(unitCode, system, isQuantity(quantity) ? quantity : null);
  const sameUnit = (config.units ?? '') === conversion.label;
  if (sameUnit && config.min !== null && config.max !== null && config.max > config.min) {
    out.min = (config.min - conversion.offset) / conversion.factor;
    out.max = (config.max - conversion.offset) / conversion.factor;
  }
  return out;
}
