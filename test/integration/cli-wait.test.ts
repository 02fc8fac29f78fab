import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createRegistryDriver, type RegistryDriver } from '../support/registry-driver.js';
import { type GatewayFixture, startGateway } from '../support/realtime-fixture.js';
import { runTsScript, type ScriptResult } from '../support/run-ts-script.js';
import { until } from '../support/until.js';

const CLI = fileURLToPath(new URL('../../client-sdk/src/cli.ts', import.meta.url));
const DYNO = 0x43fd;

function runCli(
  args: string[],
  env: Record<string, string> = {},
): { done: Promise<ScriptResult>; output: () => string } {
  const run = runTsScript(CLI, args, { ...env, LOG_LEVEL: 'silent' });
  return { done: run.finished, output: run.stdout };
}

describe('jetdrive CLI', () => {
  let registry: RegistryDriver;
  let fixture: GatewayFixture;

  beforeEach(async () => {
    registry = createRegistryDriver();
    registry.addProvider(DYNO, 'Power Core');
    registry.addChannel({ providerId: DYNO, channelId: 42, name: 'Digital RPM 1', unit: 8 });
    registry.addChannel({ providerId: DYNO, channelId: 103, name: 'TPS', unit: 16 });
    fixture = await startGateway(registry);
  });

  afterEach(async () => {
    await fixture.close();
  });

  it('wait exits 0 once the condition holds', async () => {
    registry.push(DYNO, [[42, 1000]]);
    const run = runCli(['wait', 'Digital RPM 1 > 5000', '--timeout', '20s'], { JETDRIVE_HUB_URL: fixture.url });
    await until(() => fixture.gateway.stats().subscriptions === 1, 15_000, 'the CLI to subscribe');
    let rpm = 1000;
    const pump = setInterval(() => {
      rpm += 500;
      registry.push(DYNO, [[42, rpm]]);
    }, 10);
    const result = await run.done;
    clearInterval(pump);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('Digital RPM 1 = 5500 RPM\n');
  });

  it('wait exits 1 when the timeout passes first', async () => {
    registry.push(DYNO, [[42, 1000]]);
    const result = await runCli(['wait', 'Digital RPM 1 > 5000', '--timeout', '1500ms', '--url', fixture.url]).done;
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('did not hold within 1500 ms');
  });

  it('wait exits 2 on a malformed condition', async () => {
    const result = await runCli(['wait', 'Digital RPM 1 ~ 5', '--url', fixture.url]).done;
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("expected '<selector> <op> <number>'");
  });

  it('channels lists the catalog', async () => {
    registry.push(DYNO, [[103, 42.5]]);
    const result = await runCli(['channels', '--url', fixture.url]).done;
    expect(result.code).toBe(0);
    const lines = result.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^channel\s+provider\s+unit\s+quantity\s+Hz\s+last$/);
    expect(lines.slice(2).map((line) => line.split(/\s{2,}/)[0])).toEqual(['Digital RPM 1', 'TPS']);
    expect(lines[3]).toContain('42.50');
  });

  it('channels prints names from the network with control characters escaped, one line per channel', async () => {
    registry.addChannel({ providerId: DYNO, channelId: 7, name: 'Evil\r\n[INFO] token \u001b[2J', unit: 255 });
    const result = await runCli(['channels', '--url', fixture.url]).done;
    expect(result.code).toBe(0);
    expect([...result.stdout].filter((c) => c !== '\n' && c < ' ')).toEqual([]);
    const lines = result.stdout.trim().split('\n');
    expect(lines).toHaveLength(5);
    expect(lines[3]).toContain('Evil\\r\\n[INFO] token \\x1b[2J');
  });
});

describe('jetdrive CLI wait when the hub goes away', () => {
  it('says so at once and exits 3 (unreachable), not 1 (did not hold), when it is not back by the timeout', async () => {
    const registry = createRegistryDriver();
    registry.addProvider(DYNO, 'Power Core');
    registry.addChannel({ providerId: DYNO, channelId: 42, name: 'Digital RPM 1', unit: 8 });
    registry.push(DYNO, [[42, 1000]]);
    const fixture = await startGateway(registry);
    const run = runTsScript(CLI, ['wait', 'Digital RPM 1 > 5000', '--timeout', '4s', '--url', fixture.url], {
      LOG_LEVEL: 'silent',
    });
    await until(() => fixture.gateway.stats().subscriptions === 1, 15_000, 'the CLI to subscribe');
    await fixture.close();
    await until(() => run.stderr().includes('hub disconnected'), 3_000, 'the CLI to say the hub went');
    const result = await run.finished;
    expect(result.code).toBe(3);
    expect(result.stderr.match(/hub disconnected/g)).toHaveLength(1);
    expect(result.stderr).toMatch(
      /lost the connection to the hub \(.+\) and it was not back within 4000 ms, so Digital RPM 1 > 5000 could not be checked; hub unreachable: nothing answers at 127\.0\.0\.1:\d+/,
    );
    expect(result.stderr).not.toContain('did not hold');
  });
});
