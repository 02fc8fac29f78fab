import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRegistryDriver, type RegistryDriver } from '../support/registry-driver.js';
import { type GatewayFixture, startGateway } from '../support/realtime-fixture.js';
import { freeTcpPort } from '../support/free-tcp-port.js';
import { runTsScript, type ScriptResult } from '../support/run-ts-script.js';
import { HUB_OPERATOR, HUB_VIEWER, startTestHub, type TestHub } from '../support/start-test-hub.js';

// The CLI says what is wrong at once, by name, with what to do, and exits with its own code for each class:
// 2 bad input, 3 hub unreachable, 4 unauthorized (1 stays "condition not met").

const CLI = fileURLToPath(new URL('../../client-sdk/src/cli.ts', import.meta.url));
const DYNO = 0x43fd;

async function runCli(args: string[], env: Record<string, string> = {}): Promise<ScriptResult & { ms: number }> {
  const started = Date.now();
  // No token from the caller's environment unless the test gives one.
  const result = await runTsScript(CLI, args, { JETDRIVE_HUB_TOKEN: '', LOG_LEVEL: 'silent', ...env }).finished;
  return { ...result, ms: Date.now() - started };
}

// Process start (tsx) takes about a second on 2 shared cores; the failure itself is reported in milliseconds.
const PROMPTLY_MS = 5_000;

describe('jetdrive CLI against a stopped hub', () => {
  let url: string;
  beforeAll(async () => {
    url = `http://127.0.0.1:${await freeTcpPort()}`;
  });

  it.each([
    ['channels', ['channels']],
    ['wait', ['wait', 'Digital RPM 1 > 5000', '--timeout', '30s']],
    ['watch', ['watch', '*RPM*']],
  ])('%s exits 3 at once, naming the address and what to do', async (_name, args) => {
    const result = await runCli([...args, '--url', url]);
    expect(result.code).toBe(3);
    expect(result.stderr).toContain(`hub unreachable: nothing answers at ${url.slice(7)}`);
    expect(result.stderr).toContain('start the hub (npm start) or check --url');
    expect(result.ms).toBeLessThan(PROMPTLY_MS);
  });

  it('a host name that does not resolve exits 3 with "host not found"', async () => {
    const result = await runCli(['channels', '--url', 'http://no-such-hub.invalid:5001']);
    expect(result.code).toBe(3);
    expect(result.stderr).toContain('host not found: no-such-hub.invalid does not resolve');
  });
});

describe('jetdrive CLI with bad input', () => {
  // Each case is its own short process and touches nothing shared: they run side by side.
  it.concurrent.for([
    [
      ['--parser', 'xml', 'channels'],
      "option '--parser <parser>' argument 'xml' is invalid. Allowed choices are json, msgpack",
    ],
    [['tune', '--max-iterations', '0'], "argument '0' is invalid. expected a whole number from 1 to 50"],
    [['tune', '--profile', 'v8'], 'Allowed choices are m8_114, m8_131, twin_cam_103, sportbike_600'],
    [['wait', 'RPM > 5', '--timeout', 'banana'], 'duration "banana": expected a number with ms, s, m or h'],
    [['watch', 'RPM', '--hz', '0'], 'expected a number above 0'],
    [['--url', 'not a url', 'channels'], 'invalid hub URL "not a url": not a URL'],
    [['--url', 'ftp://127.0.0.1:5001', 'channels'], 'the scheme must be http, https, ws or wss, not ftp'],
    [['wait', 'Digital RPM 1 >> 5000'], '">>" is not an operator'],
    [['wait', 'Digital RPM 1 ~ 5'], "expected '<selector> <op> <number>'"],
    [['watch', 'RPM', '--colour'], "unknown option '--colour'"],
  ] as [string[], string][])('%j exits 2 with the reason', async ([args, reason], { expect }) => {
    // A URL nobody listens on: a usage error must not even try to connect.
    const result = await runCli(args, { JETDRIVE_HUB_URL: 'http://127.0.0.1:1' });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(reason);
  });

  it('an invalid JETDRIVE_HUB_PARSER is refused like the flag', async () => {
    const result = await runCli(['channels'], { JETDRIVE_HUB_PARSER: 'xml' });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('Allowed choices are json, msgpack');
  });

  it('--help shows defaults as they are typed and the exit codes', async () => {
    const main = await runCli(['--help']);
    expect(main.code).toBe(0);
    expect(main.stdout).toContain('Exit codes:');
    expect(main.stdout).toMatch(/3\s+hub unreachable/);
    expect(main.stdout).toMatch(/4\s+unauthorized: set JETDRIVE_HUB_TOKEN/);
    const wait = await runCli(['wait', '--help']);
    expect(wait.code).toBe(0);
    expect(wait.stdout).toContain('(default: 30s)');
    expect(wait.stdout).toContain('Exit codes:');
  });
});

describe('jetdrive CLI selectors', () => {
  let registry: RegistryDriver;
  let fixture: GatewayFixture;

  beforeAll(async () => {
    registry = createRegistryDriver();
    registry.addProvider(DYNO, 'Power Core');
    registry.addChannel({ providerId: DYNO, channelId: 42, name: 'Digital RPM 1', unit: 8 });
    registry.addChannel({ providerId: DYNO, channelId: 103, name: 'TPS', unit: 16 });
    registry.addChannel({ providerId: DYNO, channelId: 7, name: 'Oil Temp', unit: 6 });
    registry.push(DYNO, [[7, 20]]);
    fixture = await startGateway(registry);
  });
  afterAll(async () => {
    await fixture.close();
  });

  it("shows values in the hub's units (imperial when its hello says none), or in --units", async () => {
    const row = (stdout: string) => stdout.split('\n').find((line) => line.startsWith('Oil Temp')) ?? '';
    const imperial = await runCli(['channels', '--url', fixture.url]);
    expect(row(imperial.stdout)).toMatch(/°F.*68\.00$/);
    const metric = await runCli(['channels', '--units', 'metric', '--url', fixture.url]);
    expect(row(metric.stdout)).toMatch(/°C.*20\.00$/);
    // Choices take any case, from the flag and from the environment, as the hub's own settings do.
    const upper = await runCli(['channels', '--units', 'METRIC', '--url', fixture.url]);
    expect(row(upper.stdout)).toMatch(/°C.*20\.00$/);
    const fromEnv = await runCli(['channels', '--url', fixture.url], { JETDRIVE_HUB_UNITS: 'Metric' });
    expect(row(fromEnv.stdout)).toMatch(/°C.*20\.00$/);
    const bad = await runCli(['channels', '--units', 'furlongs', '--url', fixture.url]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('Allowed choices are imperial, metric');
  });

  it('wait on a selector that matches nothing exits 2 at once, naming the closest channels', async () => {
    const result = await runCli(['wait', 'Digtal RPM 1 > 5000', '--timeout', '30s', '--url', fixture.url]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('selector "Digtal RPM 1" matches no channel; closest: Digital RPM 1');
    expect(result.ms).toBeLessThan(PROMPTLY_MS);
  });

  it('watch with no selector matching exits 2; a glob matching nothing names the closest too', async () => {
    const result = await runCli(['watch', '*BOOST*', 'quantity:boost', '--url', fixture.url]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('selector "*BOOST*" matches no channel');
    expect(result.stderr).toContain('selector "quantity:boost" matches no channel');
  });

  it('a selector with brackets that matches nothing exits 2 at once instead of waiting on an empty stream', async () => {
    const watch = await runCli(['watch', '[RPM', '--url', fixture.url]);
    expect(watch.code).toBe(2);
    expect(watch.stderr).toContain('selector "[RPM" matches no channel');
    expect(watch.ms).toBeLessThan(PROMPTLY_MS);
    const wait = await runCli(['wait', '*RPM[ > 5000', '--timeout', '30s', '--url', fixture.url]);
    expect(wait.code).toBe(2);
    expect(wait.stderr).toMatch(/selector "\*RPM\[" matches no channel; closest: .*Digital RPM 1/);
    expect(wait.ms).toBeLessThan(PROMPTLY_MS);
  });

  it('a wrong --parser exits 3 naming the parser to use', async () => {
    const result = await runCli(['channels', '--parser', 'msgpack', '--url', fixture.url]);
    expect(result.code).toBe(3);
    expect(result.stderr).toContain('it does not speak the msgpack parser');
    expect(result.stderr).toContain('use --parser json');
    expect(result.ms).toBeLessThan(PROMPTLY_MS);
  });
});

describe('jetdrive CLI against a hub that needs a viewer token', () => {
  let hub: TestHub;
  beforeAll(async () => {
    hub = await startTestHub({ viewerToken: HUB_VIEWER });
  });
  afterAll(async () => {
    await hub.close();
  });

  it('without a token: exit 4 at once, saying to set JETDRIVE_HUB_TOKEN', async () => {
    for (const args of [['channels'], ['wait', 'Digital RPM 1 > 5000'], ['watch', '*RPM*']]) {
      const result = await runCli([...args, '--url', hub.url]);
      expect(result.code, args.join(' ')).toBe(4);
      expect(result.stderr).toContain('unauthorized:');
      expect(result.stderr).toContain('set JETDRIVE_HUB_TOKEN');
      expect(result.ms).toBeLessThan(PROMPTLY_MS);
    }
  });

  it('with a wrong token: exit 4, saying the token is not valid', async () => {
    const result = await runCli(['channels', '--url', hub.url], { JETDRIVE_HUB_TOKEN: 'not-the-token-0123456789' });
    expect(result.code).toBe(4);
    expect(result.stderr).toContain('the token given is not valid');
  });

  it('with the viewer token: channels lists; tune needs the operator token (exit 4)', async () => {
    const channels = await runCli(['channels', '--url', hub.url], { JETDRIVE_HUB_TOKEN: HUB_VIEWER });
    expect(channels.code).toBe(0);
    expect(channels.stdout).toMatch(/^channel\s+provider/);
    const tune = await runCli(['tune', '--max-iterations', '1', '--url', hub.url], { JETDRIVE_HUB_TOKEN: HUB_VIEWER });
    expect(tune.code).toBe(4);
    expect(tune.stderr).toContain('operator token');
  });

  it('tune with the operator token shows progress from the first event of iteration 1', async () => {
    const tune = await runCli(['tune', '--max-iterations', '1', '--url', hub.url], {
      JETDRIVE_HUB_TOKEN: HUB_OPERATOR,
    });
    expect([0, 1]).toContain(tune.code);
    const progress = tune.stdout.split('\n').filter((line) => line.startsWith('['));
    expect(progress[0]).toMatch(/^\[\.+\]\s+0%\s+iteration 1:/);
  });
});
