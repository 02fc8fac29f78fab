import { describe, expect, it } from 'vitest';
import type { ChannelMeta } from '../../../server/channels/types.js';
import { compileSelectors, globMatch } from '../../../server/realtime/compile-selectors.js';
import { normalizeSelectors } from '../../../server/realtime/normalize-selectors.js';
import { channelMeta } from '../../support/channel-meta.js';
import { createFakeQuantities } from '../../support/registry-driver.js';

function meta(
  providerId: number,
  providerName: string,
  channelId: number,
  name: string,
  displayName = name,
): ChannelMeta {
  return channelMeta({ providerId, providerName, channelId, name, displayName });
}

const rpm = meta(0x43fd, 'Power Core', 42, 'Digital RPM 1');
const afr = meta(0x43fd, 'Power Core', 23, 'Air/Fuel Ratio 1');
const probeTemp = meta(0x1a2b, 'Atmo Probe', 1, 'Temperature 1', 'Atmo Probe/Temperature 1');
const all = [rpm, afr, probeTemp];

function select(...selectors: Parameters<typeof normalizeSelectors>[0]): string[] {
  const matches = compileSelectors(normalizeSelectors(selectors), createFakeQuantities({ 'Digital RPM 1': 'rpm' }));
  return all.filter(matches).map((channel) => channel.key);
}

describe('compileSelectors', () => {
  it('matches an exact name, a display name and "Provider/Channel"', () => {
    expect(select('Digital RPM 1')).toEqual(['17405:42']);
    expect(select('Atmo Probe/Temperature 1')).toEqual(['6699:1']);
    expect(select('Power Core/Air/Fuel Ratio 1')).toEqual(['17405:23']);
    expect(select({ name: 'Temperature 1' })).toEqual(['6699:1']);
    expect(select('digital rpm 1')).toEqual([]);
  });

  it('treats * and ? as a case-insensitive glob over the whole name, slashes included', () => {
    expect(select('*RPM*')).toEqual(['17405:42']);
    expect(select('Air/Fuel*')).toEqual(['17405:23']);
    expect(select({ glob: 'atmo probe/*' })).toEqual(['6699:1']);
    expect(select('Digital RPM ?')).toEqual(['17405:42']);
    expect(select('*')).toEqual(['17405:42', '17405:23', '6699:1']);
    expect(globMatch('a.b(c)*', 'A.b(c)xyz')).toBe(true);
    expect(globMatch('a.b', 'axb')).toBe(false);
    expect(globMatch('*a?c', 'xxabc')).toBe(true);
    expect(globMatch('a*', '')).toBe(false);
    expect(globMatch('**', '')).toBe(true);
  });

  it('selects by quantity, provider id (number or hex), provider name and key', () => {
    expect(select({ quantity: 'rpm' })).toEqual(['17405:42']);
    expect(select({ quantity: 'afr_front' })).toEqual([]);
    expect(select({ provider: 0x1a2b })).toEqual(['6699:1']);
    expect(select({ provider: '0x43fd' })).toEqual(['17405:42', '17405:23']);
    expect(select({ provider: 'atmo probe' })).toEqual(['6699:1']);
    expect(select({ key: '17405:23' })).toEqual(['17405:23']);
  });

  it('rejects a hostile glob without backtracking blow-up (a RegExp would not finish within the test timeout)', () => {
    expect(globMatch(`${'*a'.repeat(99)}*b`, 'a'.repeat(200))).toBe(false);
  });

  it('matches when any selector matches', () => {
    expect(select('TPS', { quantity: 'rpm' }, { provider: 'Atmo Probe' })).toEqual(['17405:42', '6699:1']);
  });

  it('matches no quantity without a resolver', () => {
    expect(all.filter(compileSelectors(normalizeSelectors([{ quantity: 'rpm' }])))).toEqual([]);
  });
});

describe('normalizeSelectors', () => {
  it('gives the same canonical list for the same selection in any order or spelling', () => {
    expect(normalizeSelectors(['*RPM*', 'TPS', { provider: '0x43FD' }])).toEqual(
      normalizeSelectors([{ provider: 0x43fd }, { name: 'TPS' }, { glob: '*rpm*' }, 'TPS']),
    );
    expect(normalizeSelectors(['TPS', { quantity: 'rpm' }, { key: '1:2' }, { provider: 'Probe' }])).toEqual([
      'k:1:2',
      'n:TPS',
      'p:Probe',
      'q:rpm',
    ]);
  });
});
