import { afterEach, describe, expect, it } from 'vitest';
import { type DecodedFrame, decodeFrame } from '../../server/protocol/index.js';
import { runProcess, runTsScript } from '../support/run-ts-script.js';
import { processesWith } from '../support/spawn-hub.js';
import { closeSocket, openLoopbackMulticast } from '../support/udp.js';
import { until } from '../support/until.js';

// The standalone simulator (`npm run sim`) as a separate process: it feeds the group and, on SIGTERM/SIGINT,
// says goodbye with ClearChannelInfo before it exits.

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()?.();
});

describe('npm run sim', () => {
  it.each(['SIGTERM', 'SIGINT'] as const)('streams JetDrive and sends ClearChannelInfo on %s', async (signal) => {
    const port = 30000 + Math.floor(Math.random() * 25000);
    const socket = await openLoopbackMulticast(port);
    cleanups.push(() => closeSocket(socket));
    const frames: DecodedFrame[] = [];
    socket.on('message', (m) => frames.push(decodeFrame(m)));
    const run = runTsScript(
      'server/sim/cli.ts',
      ['--port', String(port), '--rate', '20', '--profile', 'twin_cam_103'],
      {
        LOG_LEVEL: 'silent',
      },
    );
    const child = run.proc;
    const out = () => run.stdout() + run.stderr();
    cleanups.push(() => {
      if (child.exitCode === null) child.kill('SIGKILL');
    });
    await until(() => frames.some((f) => f.type === 'ChannelValues'), 15_000, 'values from the sim process');
    const hosts = new Set(frames.filter((f) => f.type === 'ChannelInfo').map((f) => f.host));
    expect(hosts.size).toBe(2);
    expect(out()).toMatch(/simulated dyno \(Twin Cam 103\) on 224\.0\.2\.10:\d+ via 127\.0\.0\.1, 20 Hz/);
    child.kill(signal);
    expect((await run.finished).code).toBe(0);
    await until(() => frames.filter((f) => f.type === 'ClearChannelInfo').length === 2, 2000, 'ClearChannelInfo x2');
    expect(new Set(frames.filter((f) => f.type === 'ClearChannelInfo').map((f) => f.host))).toEqual(hosts);
    expect(out()).toContain(`${signal}: stopped`);
  });

  // The same through npm, as a process manager would run it: the signal goes to npm's pid and must reach the sim.
  it('stops when SIGTERM goes to the npm process', async () => {
    const port = 30000 + Math.floor(Math.random() * 25000);
    const socket = await openLoopbackMulticast(port);
    cleanups.push(() => closeSocket(socket));
    const frames: DecodedFrame[] = [];
    socket.on('message', (m) => frames.push(decodeFrame(m)));
    const marker = `--port=${port}`;
    const run = runProcess(['npm', 'run', 'sim', '--silent', '--', marker, '--rate', '20'], { LOG_LEVEL: 'silent' });
    cleanups.push(async () => {
      for (const pid of await processesWith(marker)) process.kill(pid, 'SIGKILL');
    });
    await until(() => frames.some((f) => f.type === 'ChannelValues'), 30_000, 'values from the sim under npm');
    const exited = new Promise((resolve) => run.proc.once('exit', resolve));
    run.proc.kill('SIGTERM');
    await exited;
    await until(async () => (await processesWith(marker)).length === 0, 5_000, 'the sim process to end');
    await until(() => frames.filter((f) => f.type === 'ClearChannelInfo').length === 2, 2000, 'ClearChannelInfo x2');
  });
});
