import { describe, expect, it } from 'vitest';
import { uniqueIds } from '../../../server/dashboard/web/unique-ids.js';

describe('uniqueIds', () => {
  it('shows 8 characters when they tell the ids apart, more where they do not', () => {
    const ids = ['019a3f2c-aaaa-1111', '019a3f2c-bbbb-2222', '7f00e1d2-cccc-3333'];
    const out = uniqueIds(ids);
    expect(out.get(ids[0])).toBe('019a3f2c-a');
    expect(out.get(ids[1])).toBe('019a3f2c-b');
    expect(out.get(ids[2])).toBe('7f00e1d2');
  });

  it('keeps short ids whole', () => {
    expect(uniqueIds(['abc', 'abcd']).get('abc')).toBe('abc');
  });
});
