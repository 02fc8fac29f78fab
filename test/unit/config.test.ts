import { describe, expect, it } from 'vitest';
import type { NetworkInterfaceInfo } from 'node:os';
import { ConfigError, configNames, type HubConfig, loadConfig } from '../../server/config.js';
import { initialLogLevel } from '../../server/log.js';

const nic = (address: string, internal = false): NetworkInterfaceInfo => ({
  address,
  netmask: '255.255.255.0',
  family: 'IPv4',
  mac: '00:00:00:00:00:00',
  internal,
  cidr: `${address}/24`,
});
/** A machine with loopback and one shop NIC. */
const SHOP_PC = { networkInterfaces: () => ({ lo: [nic('127.0.0.1', true)], eth0: [nic('10.0.0.100')] }) };

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
    const c = loadConfig(
      ['--port', '6000', '--group', '224.0.2.10,239.255.60.60'],
      { PORT: '7000', JETDRIVE_IFACE: '127.0.0.1, 10.0.0.100', JETDRIVE_PASSIVE: 'true', HUB_SIM: 'false' },
      SHOP_PC,
    );
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
    expect(() => loadConfig(['--port', 'abc'], {})).toThrow('port: must be a number (--port "abc")');
    expect(() => loadConfig([], { HUB_SIM: 'maybe' })).toThrow('HUB_SIM="maybe": must be true or false');
    let thrown: unknown;
    try {
      loadConfig([], { HUB_MAX_VIEWERS: '0' });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toMatchObject({ code: 'INVALID_CONFIG', field: 'maxViewers' });
  });

  /** A value each setting with a flag refuses; settings that take any text are listed as such. */
  const BAD_VALUE: Partial<Record<keyof HubConfig, string>> = {
    port: '70000',
    groups: '224.0.2',
    jetdrivePort: 'banana',
    interfaces: 'eth9',
    simProfile: 'v8',
    simRateHz: '0',
    unitSystem: 'furlongs',
    maxViewers: '0',
    logLevel: 'verbose',
    runStartRpm: '0',
    runStartTps: '150',
    runPreRollS: '-1',
    runPostRollS: 'soon',
    replayFile: 'pull.csv',
    role: 'leader',
    redisUrl: 'http://127.0.0.1:6379',
  };
  const ANY_TEXT: readonly (keyof HubConfig)[] = ['host', 'dataDir'];
  const messageOf = (run: () => unknown): string => {
    try {
      run();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      return (error as Error).message;
    }
    throw new Error('no error');
  };

  it('refuses a bad value from the environment exactly as from its flag, naming where it came from', () => {
    const withFlag = configNames().filter((n) => n.flag !== null && !['passive'].includes(n.field));
    expect(withFlag.length).toBeGreaterThanOrEqual(11);
    for (const { field, env, flag } of withFlag) {
      if (ANY_TEXT.includes(field)) continue;
      const value = BAD_VALUE[field];
      expect(value, `a bad value for ${field} (or list it in ANY_TEXT)`).toBeDefined();
      const viaEnv = messageOf(() => loadConfig([], { [env]: value }, SHOP_PC));
      const viaFlag = messageOf(() => loadConfig([flag ?? '', value ?? ''], {}, SHOP_PC));
      expect(viaEnv).toContain(`(${env}=${JSON.stringify(value)})`);
      expect(viaFlag).toContain(`(${flag} ${JSON.stringify(value)})`);
      expect(viaEnv.replace(`${env}=`, '<source> ')).toBe(viaFlag.replace(`${flag} `, '<source> '));
    }
  });

  it('refuses a bad value of every environment variable, naming it and the value; a token only by its length', () => {
    const ANY_TEXT_ENV = ['HOST', 'DATA_DIR', 'CORS_ORIGINS'];
    const BOOLEANS = ['JETDRIVE_PASSIVE', 'HUB_SIM', 'SIM_AUTO_PULL', 'RUN_AUTO_RECORD'];
    const SECRET = 'hub secret 1234567890';
    const special: Record<string, string> = {
      JETDRIVE_GROUP: '224.0.2',
      JETDRIVE_IFACE: 'eth9',
      SIM_PROFILE: 'v8',
      UNIT_SYSTEM: 'furlongs',
      LOG_LEVEL: 'verbose',
      JETDRIVE_SOURCE_POLICY: 'block',
      RUN_COMPRESSION: 'gzip',
      HUB_ROLE: 'leader',
      REDIS_URL: 'http://127.0.0.1:6379',
      REPLAY_FILE: 'pull.csv',
      HUB_OPERATOR_TOKEN: SECRET,
      HUB_VIEWER_TOKEN: SECRET,
    };
    const names = configNames().filter((n) => !ANY_TEXT_ENV.includes(n.env));
    expect(names.length).toBeGreaterThanOrEqual(70);
    for (const { env } of names) {
      const value = special[env] ?? (BOOLEANS.includes(env) ? 'maybe' : 'banana');
      const message = messageOf(() => loadConfig([], { [env]: value }, SHOP_PC));
      if (value === SECRET) {
        expect(message, env).toContain(`${env}="<hidden, ${SECRET.length} characters>"`);
        expect(message, env).not.toContain('secret');
      } else {
        expect(message, env).toContain(`${env}=${JSON.stringify(value)}`);
      }
    }
  });

  it('takes enum values in any case, from the environment and from flags', () => {
    expect(
      loadConfig(['--units', 'METRIC', '--sim-profile', 'Twin_Cam_103'], {
        LOG_LEVEL: 'Debug',
        JETDRIVE_SOURCE_POLICY: 'FLAG',
      }),
    ).toMatchObject({
      unitSystem: 'metric',
      simProfile: 'twin_cam_103',
      logLevel: 'debug',
      jetdriveSourcePolicy: 'flag',
    });
    expect(loadConfig(['--log-level', ' WARN '], { UNIT_SYSTEM: 'Imperial' })).toMatchObject({
      logLevel: 'warn',
      unitSystem: 'imperial',
    });
    expect(loadConfig(['--role', 'STANDALONE'], { RUN_COMPRESSION: 'LZ4' })).toMatchObject({
      role: 'standalone',
      runCompression: 'lz4',
    });
    expect(loadConfig([], { HUB_ROLE: 'Standalone' }).role).toBe('standalone');
  });

  it('an unknown LOG_LEVEL does not break the logger before the configuration refuses it', () => {
    expect(initialLogLevel({ LOG_LEVEL: 'verbose' })).toBe('info');
    expect(initialLogLevel({ LOG_LEVEL: 'verbose', VITEST: 'true' })).toBe('silent');
    expect(initialLogLevel({ LOG_LEVEL: ' DEBUG ' })).toBe('debug');
  });

  it('resolves interface names to their IPv4 address and keeps addresses of this machine', () => {
    expect(loadConfig(['--iface', 'eth0,lo'], {}, SHOP_PC).interfaces).toEqual(['10.0.0.100', '127.0.0.1']);
    expect(loadConfig([], { JETDRIVE_IFACE: '10.0.0.100,eth0' }, SHOP_PC).interfaces).toEqual(['10.0.0.100']);
    // Linux routes all of 127/8 to loopback.
    expect(loadConfig(['--iface', '127.0.0.2'], {}, SHOP_PC).interfaces).toEqual(['127.0.0.2']);
    // The real machine has a loopback interface with 127.0.0.1 (lo on Linux).
    expect(loadConfig(['--iface', '127.0.0.1'], {}).interfaces).toEqual(['127.0.0.1']);
  });

  it('says exactly what is wrong with an interface setting, and what this machine has', () => {
    expect(() => loadConfig([], { JETDRIVE_IFACE: 'eth9' }, SHOP_PC)).toThrow(
      'invalid configuration: interfaces.0: "eth9" is neither an IPv4 address of this machine nor an interface name (JETDRIVE_IFACE="eth9"); this machine has lo 127.0.0.1, eth0 10.0.0.100',
    );
    expect(() => loadConfig(['--iface', '127.0.0.1,10.9.9.9'], {}, SHOP_PC)).toThrow(
      /interfaces\.1: 10\.9\.9\.9 is not an IPv4 address of this machine \(--iface "127\.0\.0\.1,10\.9\.9\.9"\)/,
    );
    const noIpv4 = { networkInterfaces: () => ({ wg0: [] }) };
    expect(() => loadConfig(['--iface', 'wg0'], {}, noIpv4)).toThrow(
      /interfaces\.0: interface wg0 has no IPv4 address/,
    );
  });
});
