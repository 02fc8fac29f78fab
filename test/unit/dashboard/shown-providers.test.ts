import { describe, expect, it } from 'vitest';
import type { ProviderView } from '../../../server/dashboard/web/parse-status.js';
import { shownProviders } from '../../../server/dashboard/web/shown-providers.js';

function provider(hostHex: string, online: boolean): ProviderView {
  return {
    name: hostHex,
    hostHex,
    online,
    offsetMs: null,
    latencyMs: null,
    drops: 0,
    conflicts: 0,
    conflictFrom: null,
  };
}

describe('shownProviders', () => {
  it('keeps an offline provider (greyed) for a while, then drops it from the header', () => {
    const since = new Map<string, number>();
    const list = [provider('0x0001', true), provider('0x0002', false)];
    expect(shownProviders(list, since, 0, 60_000).map((p) => p.hostHex)).toEqual(['0x0001', '0x0002']);
    expect(shownProviders(list, since, 59_999, 60_000)).toHaveLength(2);
    expect(shownProviders(list, since, 60_000, 60_000).map((p) => p.hostHex)).toEqual(['0x0001']);
  });

  it('starts over when a provider comes back, and forgets hosts that left the list', () => {
    const since = new Map<string, number>();
    shownProviders([provider('0x0002', false)], since, 0, 1000);
    shownProviders([provider('0x0002', true)], since, 5000, 1000);
    expect(shownProviders([provider('0x0002', false)], since, 6000, 1000)).toHaveLength(1);
    shownProviders([], since, 7000, 1000);
    expect(since.size).toBe(0);
  });
});
