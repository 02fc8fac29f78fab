import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createFakeRegistry, type FakeRegistry } from '../support/fake-registry.js';
import { type GatewayFixture, startGateway, until } from '../support/realtime-fixture.js';

const CLI = fileURLToPath(new URL('../../client-sdk/src/cli.ts', import.meta.url));
const DYNO = 0x43fd;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function runCli(args: string[], env: Record<string, string> = {}): { done: Promise<Run>; output: () => string } {
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, ...args], {
    env: { ...process.env, ...env, LOG_LEVEL: 'silent' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const done = new Promise<Run>((resolve) => child.on('exit', (code) => resolve({ code, stdout, stderr })));
  return { done, output: () => stdout };
}

describe('jetdrive CLI', () => {
  let registry: FakeRegistry;
  let fixture: GatewayFixture;

  beforeEach(async () => {
    registry = createFakeRegistry();
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
    await until(() => fixture.gateway.stats().subscriptions === 1, 'the CLI to subscribe', 15_000);
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
});
