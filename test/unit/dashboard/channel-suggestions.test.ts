import { describe, expect, it } from 'vitest';
import { ChannelSuggestions, quantityHint } from '../../../server/dashboard/web/channel-suggestions.js';
import type { DiscoveredChannel } from '../../../server/dashboard/web/parse-discovery.js';

function discovered(over: Partial<DiscoveredChannel>): DiscoveredChannel {
  return {
    key: null,
    name: 'Engine RPM',
    provider: null,
    quantity: null,
    candidate: null,
    rateHz: null,
    unitCode: 255,
    config: null,
    reasons: [],
    ...over,
  };
}

describe('ChannelSuggestions', () => {
  const channel = { key: '1:2', name: 'Engine RPM', providerName: 'Dyno' };

  it('finds a suggestion by key, then provider/name, then bare name (the first of that name)', () => {
    const s = new ChannelSuggestions();
    const byName = discovered({ candidate: 'a' });
    const second = discovered({ candidate: 'b' });
    s.set([byName, second]);
    expect(s.of(channel)).toBe(byName);
    const byProvider = discovered({ provider: 'Dyno', candidate: 'c' });
    s.set([byName, byProvider]);
    expect(s.of(channel)).toBe(byProvider);
    const byKey = discovered({ key: '1:2', name: 'other', candidate: 'd' });
    s.set([byName, byProvider, byKey]);
    expect(s.of(channel)).toBe(byKey);
  });

  it('replaces every suggestion on set', () => {
    const s = new ChannelSuggestions();
    s.set([discovered({})]);
    s.set([]);
    expect(s.of(channel)).toBeUndefined();
  });
});

describe('quantityHint', () => {
  it('names the guess and a label that says more than the channel name', () => {
    const config = { label: 'Engine speed' } as DiscoveredChannel['config'];
    expect(quantityHint('Engine RPM', discovered({ candidate: 'rpm', config })).hint).toBe(
      'suggest rpm (Engine speed)',
    );
    const same = { label: 'Engine RPM' } as DiscoveredChannel['config'];
    expect(quantityHint('Engine RPM', discovered({ quantity: 'rpm', config: same })).hint).toBe('suggest rpm');
    expect(quantityHint('Engine RPM', discovered({ config })).hint).toBe('suggest Engine speed');
  });

  it('says so when nothing matches, with discovery reasons or a default as the tooltip', () => {
    expect(quantityHint('X', undefined)).toEqual({ hint: 'no confident match', why: 'Not mapped to a quantity' });
    expect(quantityHint('X', discovered({ reasons: ['a', 'b'] })).why).toBe('a\nb');
  });
});
