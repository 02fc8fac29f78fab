import { describe, expect, it } from 'vitest';
import { findProvider, resolveAnalysisChannels } from '../../../server/analysis/resolve-analysis-channels.js';

const DYNO = { hostId: 0x43fd, name: 'Power Core', online: true };
const PROBE = { hostId: 0x1001, name: 'Atmospheric Probe', online: true };
const ch = (providerId: number, id: number, quantity: string | null) => ({
  key: `${providerId}:${id}`,
  providerId,
  quantity,
});
const CHANNELS = [
  ch(PROBE.hostId, 1, 'rpm'), // another provider's rpm is never used
  ch(DYNO.hostId, 1, 'rpm'),
  ch(DYNO.hostId, 2, 'rpm'), // the first of a quantity wins
  ch(DYNO.hostId, 8, 'afr_front'),
  ch(DYNO.hostId, 9, 'lambda_rear'),
  ch(DYNO.hostId, 11, 'map'),
  ch(DYNO.hostId, 12, 'tps'),
  ch(DYNO.hostId, 13, 'ect'),
];

describe('resolveAnalysisChannels', () => {
  it('takes the named provider’s first channel of each quantity, AFR or lambda per bank', () => {
    expect(resolveAnalysisChannels([PROBE, DYNO], CHANNELS, 'power core', 'map')).toEqual({
      provider: { hostId: DYNO.hostId, name: 'Power Core' },
      channels: {
        rpm: '17405:1',
        load: '17405:11',
        tps: '17405:12',
        engineTemp: '17405:13',
        banks: [
          { name: 'front', key: '17405:8', quantity: 'afr_front' },
          { name: 'rear', key: '17405:9', quantity: 'lambda_rear' },
        ],
      },
    });
  });

  it('finds a provider by host id, as a number or as hex text', () => {
    expect(findProvider([PROBE, DYNO], 0x43fd).name).toBe('Power Core');
    expect(findProvider([PROBE, DYNO], '0x43FD').name).toBe('Power Core');
  });

  it('prefers the online one of two providers with the same name, and refuses two online ones', () => {
    const old = { ...DYNO, hostId: 7, online: false };
    expect(findProvider([old, DYNO], 'Power Core').hostId).toBe(DYNO.hostId);
    expect(() => findProvider([{ ...old, online: true }, DYNO], 'Power Core')).toThrow(
      /names 2 providers \(0x0007, 0x43FD\); give the host id/,
    );
  });

  it('names an unknown provider and the quantities a provider lacks', () => {
    expect(() => findProvider([DYNO], 'Dyno 2')).toThrow('provider: no provider "Dyno 2" (known: "Power Core")');
    expect(() => resolveAnalysisChannels([DYNO], CHANNELS, 'Power Core', 'tps')).not.toThrow();
    const noAfr = CHANNELS.filter((c) => !/afr|lambda/.test(c.quantity ?? ''));
    expect(() => resolveAnalysisChannels([DYNO], noAfr, 'Power Core', 'map')).toThrow(
      /has no channel mapped to afr_front or lambda_front/,
    );
    expect(() => resolveAnalysisChannels([PROBE], CHANNELS, PROBE.hostId, 'map')).toThrow(
      /has no channel mapped to map/,
    );
  });
});
