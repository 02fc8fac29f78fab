import { describe, expect, it } from 'vitest';
import { runsCompareQuerySchema } from '../../../../client-sdk/src/contract/index.js';

describe('runsCompareQuerySchema', () => {
  it('reads the compare query as a URL carries it, with the defaults filled', () => {
    expect(runsCompareQuerySchema.parse({ ids: 'a, b,c' })).toEqual({
      ids: ['a', 'b', 'c'],
      correction: 'sae',
      smoothing: 0,
      x: 'rpm',
    });
    expect(
      runsCompareQuerySchema.parse({ ids: 'a', correction: 'eec', smoothing: '5', x: 'speed', units: 'metric' }),
    ).toMatchObject({ correction: 'eec', smoothing: 5, x: 'speed', units: 'metric' });
  });

  it('refuses 9 ids, an empty id, a dots-only id, a smoothing of 6 or 1.5, and unknown fields', () => {
    const bad = [
      { ids: Array.from({ length: 9 }, (_, i) => `r${i}`).join(',') },
      { ids: 'a,,b' },
      { ids: '..' },
      { ids: 'a', smoothing: '6' },
      { ids: 'a', smoothing: '1.5' },
      { ids: 'a', correction: 'ece' },
      { ids: 'a', sort: 'x' },
    ];
    for (const query of bad) expect(runsCompareQuerySchema.safeParse(query).success, JSON.stringify(query)).toBe(false);
  });
});
