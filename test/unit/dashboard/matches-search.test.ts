import { describe, expect, it } from 'vitest';
import { matchesSearch } from '../../../server/dashboard/web/matches-search.js';

const afr2 = { name: 'Air/Fuel Ratio 2', providerName: 'Power Core', unit: 'AFR', quantity: 'afr_rear' };
const mystery = {
  name: 'User Analog 3',
  providerName: 'Power Core',
  unit: 'V',
  quantity: null,
  suggestion: 'suggest vbatt',
};

describe('matchesSearch', () => {
  it('matches every term, case-insensitively, across name, provider, unit and quantity', () => {
    expect(matchesSearch(afr2, '')).toBe(true);
    expect(matchesSearch(afr2, 'AIR ratio')).toBe(true);
    expect(matchesSearch(afr2, 'afr rear')).toBe(true);
    expect(matchesSearch(afr2, 'power core')).toBe(true);
    expect(matchesSearch(afr2, 'afr front')).toBe(false);
  });

  it('finds unmapped channels by the word and by their suggestion', () => {
    expect(matchesSearch(mystery, 'unmapped')).toBe(true);
    expect(matchesSearch(mystery, 'vbatt')).toBe(true);
    expect(matchesSearch(afr2, 'unmapped')).toBe(false);
  });
});
