import { describe, expect, it } from 'vitest';
import { applyCatalogEvent } from '../../../client-sdk/src/apply-catalog-event.js';
import type { CatalogChannel, CatalogProvider, CatalogView } from '@jetdrive-hub/client/contract';

function channel(key: string, name = key): CatalogChannel {
  return {
    key,
    providerId: 1,
    providerName: 'P',
    channelId: 1,
    name,
    displayName: name,
    unit: '',
    unitCode: 255,
    provisional: false,
    quantity: null,
    lastValue: null,
    lastTime: null,
    rateHz: 0,
  };
}

function provider(hostId: number, online: boolean): CatalogProvider {
  return { hostId, hostHex: hostId.toString(16), name: 'P', address: '', online, incompatible: false, channelCount: 0 };
}

const base: CatalogView = { version: 3, providers: [provider(1, true)], channels: [channel('a'), channel('b')] };

describe('applyCatalogEvent', () => {
  it('adds a channel, replaces a renamed one and removes one, bumping the version each time', () => {
    const added = applyCatalogEvent(base, { type: 'channel:added', channel: channel('c') });
    expect(added.version).toBe(4);
    expect(added.channels.map((c) => c.key)).toEqual(['a', 'b', 'c']);
    const renamed = applyCatalogEvent(added, {
      type: 'channel:renamed',
      channel: channel('a', 'A'),
      previousName: 'a',
    });
    expect(renamed.channels.map((c) => c.displayName)).toEqual(['b', 'c', 'A']);
    const removed = applyCatalogEvent(renamed, { type: 'channel:removed', channel: channel('b') });
    expect(removed.channels.map((c) => c.key)).toEqual(['c', 'a']);
    expect(removed.providers).toBe(base.providers);
  });

  it('replaces a provider by host id and leaves the input untouched', () => {
    const next = applyCatalogEvent(base, { type: 'provider:offline', provider: provider(1, false) });
    expect(next.providers).toEqual([provider(1, false)]);
    expect(next.channels).toBe(base.channels);
    expect(base.providers[0].online).toBe(true);
    expect(base.version).toBe(3);
  });
});
