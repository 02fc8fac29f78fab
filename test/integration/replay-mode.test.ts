import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Socket } from 'node:dgram';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectHub, type Hub, type HubSample } from '@jetdrive-hub/client';
import type { ReplayStatus } from '@jetdrive-hub/client/contract';
import { runTsScript } from '../support/run-ts-script.js';
import { FIXTURE_DYNO, syntheticRun, syntheticValue, writeRunFile } from '../support/replay-fixtures.js';
import { type SpawnedHub, spawnHub } from '../support/spawn-hub.js';
import { closeSocket, freeUdpPort, openLoopbackMulticast } from '../support/udp.js';
import { until } from '../support/until.js';

// `npm start -- --replay <file.mcap>` as a real process: the hub plays the recording, looping, instead of the
// simulator, and opens no JetDrive socket — a listener on the JetDrive group and port hears nothing from it.

const DYNO = FIXTURE_DYNO;

let dir: string;
let file: string;
let jetdrivePort: number;
let listener: Socket;
const heard: Buffer[] = [];
let spawned: SpawnedHub;
let viewer: Hub | undefined;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'jd-replay-mode-'));
  file = join(dir, 'customer-pull.mcap');
  await writeRunFile(file, syntheticRun(DYNO, { startNs: 1_764_417_600_000_000_000n, durationMs: 600, periodMs: 20 }), {
    name: 'Customer pull',
  });
  jetdrivePort = await freeUdpPort();
  listener = await openLoopbackMulticast(jetdrivePort);
  listener.on('message', (msg: Buffer) => heard.push(msg));
  spawned = spawnHub({ jetdrivePort, dataDir: join(dir, 'data'), args: ['--replay', file] });
}, 30_000);

afterAll(async () => {
  viewer?.close();
  if (spawned && spawned.proc.exitCode === null) spawned.proc.kill('SIGKILL');
  await closeSocket(listener);
  await rm(dir, { recursive: true, force: true });
});

describe('npm start -- --replay <file>', () => {
  it('streams the recording, looping, under the replay namespace, and sends nothing to the network', async () => {
    const url = await spawned.listening(30_000);
    viewer = connectHub(url);
    const hello = await viewer.whenConnected();
    expect(hello?.source).toBe('replay');
    const samples: HubSample[] = [];
    viewer.samples$([{ provider: 'replay:Customer pull/Simulated Dyno' }]).subscribe((b) => samples.push(...b.samples));
    const loops = async () => {
      const body = (await (await fetch(`${url}/api/replays`)).json()) as { replays: ReplayStatus[] };
      return body.replays[0]?.loops ?? 0;
    };
    await until(async () => (await loops()) >= 2, 15_000, 'two loops of the recording');
    const rpm = samples.filter((s) => s.name === 'Digital RPM 1');
    expect(rpm.length).toBeGreaterThan(30);
    expect(rpm.every((s) => s.value >= syntheticValue(1, 0) && s.value <= syntheticValue(1, 600))).toBe(true);
    expect(rpm.every((s) => s.providerId === 0x1_43fd)).toBe(true);

    const status = (await (await fetch(`${url}/api/jetdrive/status`)).json()) as {
      source: string;
      providers: { name: string }[];
    };
    expect(status.source).toBe('replay');
    expect(status.providers.map((p) => p.name)).toEqual(['replay:Customer pull/Simulated Dyno']);
    expect((await fetch(`${url}/ready`)).status).toBe(200);
    expect(spawned.output()).toMatch(/no JetDrive socket is open/);
    // No simulator, no socket of the hub's own: the group and port stayed silent.
    expect(heard).toEqual([]);

    spawned.proc.kill('SIGTERM');
    const code = await new Promise<number | null>((resolve) => spawned.proc.once('exit', (c) => resolve(c)));
    expect(code).toBe(0);
  }, 60_000);

  it('refuses a REPLAY_FILE that is not an .mcap file, naming the variable', async () => {
    const run = await runTsScript('server/main.ts', ['--port', '0'], { REPLAY_FILE: join(dir, 'notes.txt') }).finished;
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/replayFile: must be the path of an \.mcap run file \(REPLAY_FILE=".*notes\.txt"\)/);
  }, 30_000);
});
