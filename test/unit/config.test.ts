import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../server/config.js';

describe('loadConfig', () => {
  it('uses the documented defaults', () => {
    const c = loadConfig([], {});
    expect(c).toMatchObject({
      host: '127.0.0.1',
      port: 5001,
      groups: ['224.0.2.10'],
      jetdrivePort: 22344,
      interfaces: null,
      passive: false,
      sim: true,
      sessionMaxAgeMin: 60,
      sessionMaxCount: 100,
      sessionSweepIntervalS: 300,
    });
  });

  it('reads env, and flags win over env', () => {
    const c = loadConfig(['--port', '6000', '--group', '224.0.2.10,239.255.60.60'], {
      PORT: '7000',
      JETDRIVE_IFACE: '127.0.0.1, 10.0.0.100',
      JETDRIVE_PASSIVE: 'true',
      HUB_SIM: 'false',
    });
    expect(c.port).toBe(6000);
    expect(c.groups).toEqual(['224.0.2.10', '239.255.60.60']);
    expect(c.interfaces).toEqual(['127.0.0.1', '10.0.0.100']);
    expect(c.passive).toBe(true);
    expect(c.sim).toBe(false);
  });

  it('reads the JetDrive defences: source policy, stale window, host-id changes, Pong budgets, evictions', () => {
    expect(loadConfig([], {})).toMatchObject({
      jetdriveSourcePolicy: 'drop',
      jetdriveStaleWindowMs: 1000,
      jetdriveHostIdChangeMinIntervalMs: 30_000,
      jetdrivePongRatePerHost: 2,
      jetdrivePongRateTotal: 50,
      jetdriveMaxEvictionsPerS: 10,
    });
    const c = loadConfig([], {
      JETDRIVE_SOURCE_POLICY: ' Flag ',
      JETDRIVE_STALE_WINDOW_MS: '250',
      JETDRIVE_PONG_MAX_ECHO_BYTES: '8',
    });
    expect(c).toMatchObject({ jetdriveSourcePolicy: 'flag', jetdriveStaleWindowMs: 250, jetdrivePongMaxEchoBytes: 8 });
    expect(() => loadConfig([], { JETDRIVE_SOURCE_POLICY: 'block' })).toThrow(/jetdriveSourcePolicy/);
  });

  it('--no-sim turns the simulator off', () => {
    expect(loadConfig(['--no-sim'], {}).sim).toBe(false);
    expect(loadConfig([], {}).sim).toBe(true);
  });

  it('names the field and the value when input is bad', () => {
    expect(() => loadConfig([], { JETDRIVE_PORT: '70000' })).toThrow(/jetdrivePort/);
    expect(() => loadConfig([], { JETDRIVE_GROUP: '224.0.2' })).toThrow(/groups\.0: must be an IPv4/);
    expect(() => loadConfig([], { JETDRIVE_PASSIVE: 'maybe' })).toThrow(/JETDRIVE_PASSIVE="maybe"/);
    expect(() => loadConfig(['--bogus'], {})).toThrow(ConfigError);
  });

  it('says what was wrong, with the limit and where the value came from', () => {
    expect(() => loadConfig([], { JETDRIVE_PORT: '70000' })).toThrow(
      'invalid configuration: jetdrivePort: must be <= 65535 (JETDRIVE_PORT="70000")',
    );
    expect(() => loadConfig([], { SIM_PROFILE: 'v8' })).toThrow(
      /simProfile: must be one of "m8_114", .* \(SIM_PROFILE="v8"\)/,
    );
    expect(() => loadConfig(['--port', 'abc'], {})).toThrow(/port: expected number.* \(--port "abc"\)/);
    expect(() => loadConfig([], { HUB_SIM: 'maybe' })).toThrow('HUB_SIM="maybe": must be true or false');
    let thrown: unknown;
    try {
      loadConfig([], { HUB_MAX_VIEWERS: '0' });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toMatchObject({ code: 'INVALID_CONFIG', field: 'maxViewers' });
  });
});
