import { describe, expect, it } from 'vitest';
import { applyReadoutSuggestion } from '../../../server/dashboard/web/apply-readout-suggestion.js';
import type { ReadoutSpec } from '../../../server/dashboard/web/readout-specs.js';

const spec = (): ReadoutSpec => ({
  quantity: 'rpm',
  label: 'Engine RPM',
  decimals: 0,
  min: 0,
  max: 8000,
  color: '#4ade80',
});

describe('applyReadoutSuggestion', () => {
  it('takes label, decimals, range and colour', () => {
    const s = spec();
    applyReadoutSuggestion(s, { label: 'RPM', decimals: 1, min: 500, max: 9000, color: '#ABC' });
    expect(s).toEqual({ quantity: 'rpm', label: 'RPM', decimals: 1, min: 500, max: 9000, color: '#ABC' });
  });

  it('ignores an empty label, non-finite decimals, an empty or half range and a colour that is not CSS hex', () => {
    const s = spec();
    applyReadoutSuggestion(s, { label: '', decimals: Number.NaN, min: 10, max: 10, color: 'red;background:url(x)' });
    applyReadoutSuggestion(s, { min: 5 });
    expect(s).toEqual(spec());
  });
});
