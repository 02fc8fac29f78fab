import { describe, expect, it } from 'vitest';
import { parseDiscovery } from '../../../server/dashboard/web/parse-discovery.js';
import { parseStatus } from '../../../server/dashboard/web/parse-status.js';

describe('parseDiscovery', () => {
  it('reads the hub discover shape', () => {
    const out = parseDiscovery({
      success: true,
      channels: [
        {
          key: '46816:4',
          name: 'Power',
          provider: 'Simulated Dyno',
          unit: { byte: 4, label: 'kW', name: 'Power' },
          quantity: 'power',
          reasons: ['unit byte 4 (Power, kW)', 7],
          suggested_config: { label: 'Power', units: 'hp', min: 0, max: 200, decimals: 1, color: '#10b981' },
        },
        {
          key: '46816:9',
          name: 'Mystery',
          provider: 'Simulated Dyno',
          unit: { byte: 255 },
          quantity: null,
          rate_hz: 49.9,
        },
        { name: 42 },
      ],
    });
    expect(out).toHaveLength(2);
    expect(out[0]).toMatchObject({ key: '46816:4', unitCode: 4, quantity: 'power', rateHz: null });
    expect(out[0].reasons).toEqual(['unit byte 4 (Power, kW)']);
    expect(out[0].config).toEqual({ label: 'Power', units: 'hp', min: 0, max: 200, decimals: 1, color: '#10b981' });
    expect(out[1]).toMatchObject({ quantity: null, rateHz: 49.9, unitCode: 255, config: null, reasons: [] });
  });

  it('returns nothing for an error body', () => {
    expect(parseDiscovery({ success: false, error: 'No channel data available' })).toEqual([]);
    expect(parseDiscovery(null)).toEqual([]);
  });
});

describe('parseStatus', () => {
  it('reads source and providers with clock, drops and spoofing conflicts', () => {
    const out = parseStatus({
      source: 'simulated',
      providers: [
        {
          provider_id: 46816,
          provider_id_hex: '0xB6E0',
          name: 'Simulated Dyno',
          online: true,
          clock: { synced: true, offset_ms: 12, latency_ms: 0.5 },
          sequence: { dropped: 3 },
          conflicts: null,
        },
        {
          provider_id_hex: '0x0A11',
          name: 'Power Core',
          online: true,
          conflicts: { count: 100, owner: '10.0.0.5:22344', last_address: '10.0.0.66:22344' },
        },
        'junk',
      ],
    });
    expect(out).toEqual({
      source: 'simulated',
      providers: [
        {
          name: 'Simulated Dyno',
          hostHex: '0xB6E0',
          online: true,
          offsetMs: 12,
          latencyMs: 0.5,
          drops: 3,
          conflicts: 0,
          conflictFrom: null,
        },
        {
          name: 'Power Core',
          hostHex: '0x0A11',
          online: true,
          offsetMs: null,
          latencyMs: null,
          drops: 0,
          conflicts: 100,
          conflictFrom: '10.0.0.66:22344',
        },
      ],
      ingest: null,
    });
  });

  it('reads the groups, port and interfaces joined (each once)', () => {
    const out = parseStatus({
      source: 'live',
      providers: [],
      ingest: {
        port: 22344,
        groups: ['224.0.2.10', 7],
        joined: [
          { group: '224.0.2.10', iface: '10.0.0.2' },
          { group: '239.255.60.60', iface: '10.0.0.2' },
          { group: '224.0.2.10', iface: '127.0.0.1' },
          'junk',
        ],
      },
    });
    expect(out.ingest).toEqual({ groups: ['224.0.2.10'], port: 22344, joined: ['10.0.0.2', '127.0.0.1'] });
  });

  it('tolerates a missing body', () => {
    expect(parseStatus(undefined)).toEqual({ source: null, providers: [], ingest: null });
  });
});
