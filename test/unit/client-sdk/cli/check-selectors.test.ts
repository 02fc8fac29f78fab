import type { CatalogChannel, CatalogView, ChannelSelector } from '@jetdrive-hub/client/contract';
import { describe, expect, it } from 'vitest';
import { unmatchedSelectors } from '../../../../client-sdk/src/cli/check-selectors.js';
import { parseSelector } from '../../../../client-sdk/src/parse-selector.js';
import { compileSelectors } from '../../../../server/realtime/compile-selectors.js';
import { normalizeSelectors } from '../../../../server/realtime/normalize-selectors.js';
import { channelMeta } from '../../../support/channel-meta.js';

// The CLI judges a selector before it subscribes (exit 2 "matches no channel"); a selector it cannot judge would
// subscribe to a stream that never matches and wait forever (`jetdrive watch '[RPM'` printed empty tables). So its
// matching must be the hub's subscription matching, checked here against the hub's own matcher.

const PROVIDER = { id: 0x43fd, name: 'Power Core' };
const NAMES = ['Digital RPM 1', 'Air/Fuel Ratio 1', 'Power (uncorrected)', '[RPM] raw', 'TPS'];

const channels: CatalogChannel[] = NAMES.map((name, i) => ({
  key: `${PROVIDER.id}:${i + 1}`,
  providerId: PROVIDER.id,
  providerName: PROVIDER.name,
  channelId: i + 1,
  name,
  displayName: name,
  unit: '',
  unitCode: 255,
  quantity: null,
  provisional: false,
  lastValue: null,
  lastTime: null,
  rateHz: 0,
}));
const catalog: CatalogView = { version: 1, providers: [], channels };
const metas = channels.map((c) =>
  channelMeta({ providerId: c.providerId, providerName: c.providerName, channelId: c.channelId, name: c.name }),
);

/** What the hub's subscription would match for this selector (no quantity resolver: no quantity selectors here). */
function hubMatches(selector: ChannelSelector): boolean {
  const match = compileSelectors(normalizeSelectors([selector]));
  return metas.some(match);
}

describe('unmatchedSelectors', () => {
  it.each([
    '[RPM',
    '*RPM[',
    '{a,b',
    '[RPM] raw',
    '[rpm]*',
    'Power (uncorrected)',
    'power (*',
    'Power (uncorrected',
    '*(un*',
    '!(x)',
    '@(TPS)',
    'Air/Fuel*',
    '*RPM*',
    'digital rpm ?',
    'Digital RPM 1',
    'digital rpm 1',
    'Power Core/TPS',
    'Power Core/*',
    'provider:power core',
    'provider:Power Core',
    'provider:0x43FD',
    'provider:0x43FE',
    'key:17405:1',
    'key:17405:9',
  ])('judges %j as the hub matches it', (text) => {
    const selector = parseSelector(text);
    const cliSaysUnmatched = unmatchedSelectors([selector], catalog).length > 0;
    expect(cliSaysUnmatched).toBe(!hubMatches(selector));
  });

  it('judges a { glob } as the hub does: a glob even without * or ?', () => {
    for (const glob of ['tps', 'TPS', 'Power (UNCORRECTED)', '[rpm] RAW', 'nope']) {
      const selector = { glob };
      expect(unmatchedSelectors([selector], catalog).length > 0, glob).toBe(!hubMatches(selector));
    }
  });

  it('names the closest channels for a selector with brackets that matches nothing', () => {
    expect(unmatchedSelectors(['[RPM'], catalog)).toEqual([
      { selector: '[RPM', closest: expect.arrayContaining(['[RPM] raw']) },
    ]);
  });
});
