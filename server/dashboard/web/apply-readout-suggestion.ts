import type { ReadoutSpec } from './readout-specs.js';

export interface ReadoutSuggestion {
  label?: string;
  decimals?: number;
  /** SI wire units. */
  min?: number;
  max?: number;
  color?: string;
}

const CSS_HEX_COLOR = /^#[0-9a-f]{3,8}$/i;

/**
 * Takes what a mapping suggestion says into a readout's spec, in place: a label, finite decimals, a range only when
 * max > min, a colour only when it is a CSS hex colour (it goes into a style property).
 */
export function applyReadoutSuggestion(spec: ReadoutSpec, suggestion: ReadoutSuggestion): void {
  if (suggestion.label) spec.label = suggestion.label;
  if (suggestion.decimals !== undefined && Number.isFinite(suggestion.decimals)) spec.decimals = suggestion.decimals;
  if (suggestion.min !== undefined && suggestion.max !== undefined && suggestion.max > suggestion.min) {
    spec.min = suggestion.min;
    spec.max = suggestion.max;
  }
  if (suggestion.color && CSS_HEX_COLOR.test(suggestion.color)) spec.color = suggestion.color;
}
