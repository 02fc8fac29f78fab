import { mkdir } from 'node:fs/promises';
import type { RemoteInfo, Socket } from 'node:dgram';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { connectHub, type Hub, type HubSample, HubError } from '@jetdrive-hub/client';
import type { ReplayStatus } from '@jetdrive-hub/client/contract';
import { type FixtureDatagram, writeRunFile } from '../support/replay-fixtures.js';
import { runTsScript } from '../support/run-ts-script.js';
import { DYNO_PROVIDER } from '../support/simulator-channels.js';
import { HUB_OPERATOR, startTestHub, type TestHub } from '../support/start-test-hub.js';
import { closeSocket, openLoopbackMulticast } from '../support/udp.js';
import { until } from '../support/until.js';

// A whole hub with its simulated dyno on loopback: a pull is recorded by capturing its datagrams on the JetDrive
// group (as a recorder would), written as a run file with @mcap/core, then replayed through the hub at 1x and 10x.
// The replay's samples must be the live run's, as a viewer saw them live: same values, same provider timestamps.

const CLI = fileURLToPath(new URL('../../client-sdk/src/cli.ts', import.meta.url));
const RUN_ID = '20261129T230000Z-00ff00';
const RUN_NAME = 'Live pull';
const REPLAY_DYNO = `replay:${RUN_NAME}/${DYNO_PROVIDER}`;
const CAPTURE_MS = 2500;

let t: TestHub;
let live: Hub;
const liveSamples: HubSample[] = [];
let recorded: FixtureDatagram[] = [];
let dynoHost = 0;

const epochNs = (): bigint => BigInt(Math.round((performance.timeOrigin + performance.now()) * 1e6));
const sampleKey = (s: { name: string; providerTs: number }) => `${s.name}@${s.providerTs}`;
const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');

async function http(method: string, path: string, body?: unknown, token: string | null = HUB_OPERATOR) {
  const res = await fetch(`${t.url}${path}`, {
    method,
    headers: {
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return {
    status: res.status,
    body: (await res.json()) as Record<string, unknown> & { error?: Record<string, unknown> },
  };
}

function capture(socket: Socket, into: FixtureDatagram[]): void {
  socket.on('message', (msg: Buffer, rinfo: RemoteInfo) => {
    into.push({ logTimeNs: epochNs(), bytes: new Uint8Array(msg), from: { address: rinfo.address, port: rinfo.port } });
  });
}

beforeAll(async () => {
  t = await startTestHub({ simAutoPull: false });
  live = connectHub(t.url);
  live.samples$([{ provider: DYNO_PROVIDER }]).subscribe((b) => liveSamples.push(...b.samples));
  await until(() => liveSamples.length > 50, 10_000, 'live dyno samples');
  dynoHost = t.hub.ingest.registry.providers().find((p) => p.name === DYNO_PROVIDER)?.hostId ?? 0;
  const socket = await openLoopbackMulticast(t.jetdrivePort);
  capture(socket, recorded);
  const pull = await http('POST', '/api/jetdrive/simulator/pull', {});
  expect(pull.status).toBe(200);
  await until(
    () =>
      recorded.length > 0 &&
      Number(recorded[recorded.length - 1].logTimeNs - recorded[0].logTimeNs) / 1e6 >= CAPTURE_MS,
    10_000,
    `${CAPTURE_MS} ms of captured datagrams`,
  );
  await closeSocket(socket);
  recorded = recorded.slice();
  await mkdir(join(t.dataDir, 'runs'), { recursive: true });
  // The run's metadata as the recorder writes it (RunMetadata): providers and the channel catalog. A pull captured
  // mid-stream has no ChannelInfo of its own: the replay announces the channels from this catalog.
  const registry = t.hub.ingest.registry;
  await writeRunFile(join(t.dataDir, 'runs', `${RUN_ID}.mcap`), recorded, {
    name: RUN_NAME,
    metadata: {
      providers: registry
        .providers()
        .map((p) => ({ hostId: p.hostId, hostHex: p.hostHex, name: p.name, address: p.address })),
      channels: registry.catalog().channels.map((c) => ({
        hostId: c.providerId,
        channelId: c.channelId,
        name: c.name,
        unit: c.unitLabel,
        quantity: null,
      })),
    },
  });
}, 30_000);

afterEach(() => {
  for (const r of t.hub.replays.list()) t.hub.replays.stop(r.id);
});

afterAll(async () => {
  live?.close();
  await t?.close();
});

/** Dyno ChannelValues records in the recording: what a replay must deliver. */
function recordedDynoSamples(): number {
  let n = 0;
  for (const d of recorded) {
    const host = d.bytes[3] | (d.bytes[4] << 8);
    if (d.bytes[0] === 0x02 && host === dynoHost) n += Math.floor((d.bytes[1] | (d.bytes[2] << 8)) / 10);
  }
  return n;
}

describe('replay of a recorded simulator pull through the hub', () => {
  it.each([1, 10])(
    'at %sx gives the values and provider timestamps a live viewer saw',
    async (rate) => {
      const operator = connectHub(t.url, { token: HUB_OPERATOR });
      const replayed: HubSample[] = [];
      operator.samples$([{ provider: REPLAY_DYNO }]).subscribe((b) => {
        if (b.kind === 'live') replayed.push(...b.samples);
      });
      await operator.whenConnected();
      const listener = await openLoopbackMulticast(t.jetdrivePort);
      const heard: FixtureDatagram[] = [];
      capture(listener, heard);
      const liveBefore = liveSamples.length;

      const handle = await operator.runs.replay(RUN_ID, { rate });
      const statuses: ReplayStatus[] = [];
      handle.position$.subscribe((s) => statuses.push(s));
      expect(handle.started).toMatchObject({ runId: RUN_ID, name: RUN_NAME, state: 'playing', rate });
      await until(() => statuses.some((s) => s.state === 'ended'), 20_000, 'the replay to end');
      const expected = recordedDynoSamples();
      await until(() => replayed.length >= expected, 10_000, `${expected} replayed dyno samples`);

      // Same values at the same provider timestamps as the live viewer got them.
      const liveByKey = new Map(liveSamples.map((s) => [sampleKey(s), s.value]));
      const matched = replayed.filter((s) => liveByKey.get(sampleKey(s)) === s.value).length;
      expect(replayed.length).toBe(expected);
      expect(matched / replayed.length).toBeGreaterThanOrEqual(0.99);
      // Under the replay's namespace: (slot << 16) | the recorded host id.
      const replayDyno = statuses.at(-1)?.providers.find((p) => p.name === REPLAY_DYNO);
      expect(replayDyno).toMatchObject({ recordedHostId: dynoHost, hostId: expect.any(Number) });
      expect((replayDyno?.hostId ?? 0) & 0xffff).toBe(dynoHost);
      expect(new Set(replayed.map((s) => s.providerId))).toEqual(new Set([replayDyno?.hostId]));
      // Relative timing: the replay's receive times span the provider clock's span divided by the rate.
      const ptsSpan = replayed[replayed.length - 1].providerTs - replayed[0].providerTs;
      const timeSpan = replayed[replayed.length - 1].time - replayed[0].time;
      expect(timeSpan).toBeGreaterThanOrEqual((ptsSpan / rate) * 0.8);
      // Timers are never early; late only by what else runs on the machine.
    expect(timeSpan).toBeLessThanOrEqual((ptsSpan / rate) * 1.3 + 300);
      // The position was pushed while playing, and ended at the run's end.
      // At a bounded rate (every 250 ms while playing, and on each state change).
      const playing = statuses.filter((s) => s.state === 'playing').length;
      expect(playing).toBeLessThanOrEqual(Math.ceil(CAPTURE_MS / rate / 250) + 3);
      if (rate === 1) expect(playing).toBeGreaterThanOrEqual(5);
      expect(statuses.at(-1)).toMatchObject({ state: 'ended', positionMs: handle.started.toMs });

      // Live data went on beside it, under its own provider; nothing replayed reached the network.
      expect(liveSamples.length).toBeGreaterThan(liveBefore + 50);
      expect(liveSamples.slice(liveBefore).every((s) => s.providerId === dynoHost)).toBe(true);
      const recordedValues = new Set(recorded.filter((d) => d.bytes[0] === 0x02).map((d) => b64(d.bytes)));
      const heardValues = heard.filter((d) => d.bytes[0] === 0x02);
      expect(heardValues.length).toBeGreaterThan(0);
      expect(heardValues.filter((d) => recordedValues.has(b64(d.bytes)))).toEqual([]);
      await closeSocket(listener);

      const names = (await operator.catalog()).providers.map((p) => p.name);
      expect(names).toEqual(expect.arrayContaining([DYNO_PROVIDER, REPLAY_DYNO]));
      expect((await handle.stop()).state).toBe('stopped');
      await until(
        async () => !(await operator.catalog()).providers.some((p) => p.name.startsWith('replay:')),
        5000,
        'the replay providers to leave the catalog',
      );
      operator.close();
    },
    40_000,
  );

  it('is controlled over HTTP and pushes its status to every viewer', async () => {
    const pushed: ReplayStatus[] = [];
    const sub = live.runs.replayStatus$.subscribe((s) => pushed.push(s));
    const started = await http('POST', `/api/runs/${RUN_ID}/replay`, { rate: 1, loop: true, from: 200 });
    expect(started.status).toBe(201);
    const id = String(started.body.id);
    expect(started.body).toMatchObject({ state: 'playing', fromMs: 200, loop: true });
    expect((await http('POST', `/api/replays/${id}/pause`)).body).toMatchObject({ state: 'paused' });
    expect((await http('POST', `/api/replays/${id}/seek`, { position: 1000 })).body).toMatchObject({
      state: 'paused',
      positionMs: 1000,
    });
    expect((await http('POST', `/api/replays/${id}/resume`)).body).toMatchObject({ state: 'playing' });
    const list = await http('GET', '/api/replays', undefined, null);
    expect(list.body.replays).toEqual([expect.objectContaining({ id, runId: RUN_ID })]);
    expect((await http('POST', `/api/replays/${id}/stop`)).body).toMatchObject({ state: 'stopped' });
    expect((await http('GET', `/api/replays/${id}`, undefined, null)).body.error).toMatchObject({
      code: 'REPLAY_NOT_FOUND',
    });
    await until(() => pushed.some((s) => s.id === id && s.state === 'stopped'), 5000, 'the stopped status');
    expect(pushed.filter((s) => s.id === id).map((s) => s.state)).toEqual(
      expect.arrayContaining(['playing', 'paused', 'stopped']),
    );
    sub.unsubscribe();
  });

  it('refuses bad requests naming the field, and control without the operator token', async () => {
    const start = (body: unknown, token: string | null = HUB_OPERATOR) =>
      http('POST', `/api/runs/${RUN_ID}/replay`, body, token);
    expect((await start({ rate: 1 }, null)).status).toBe(401);
    const cases: [unknown, string, RegExp][] = [
      [{ rate: 50 }, 'body.rate', /body\.rate: must be <= 20/],
      [{ rate: 0.05 }, 'body.rate', /body\.rate: must be >= 0\.1/],
      [{ rate: 1, speed: 2 }, 'body.speed', /body\.speed: unknown field; the fields are rate, from, to, loop/],
      [{ rate: 1, from: 500, to: 100 }, 'body.to', /body\.to: must be greater than from/],
      [{}, 'body.rate', /body\.rate/],
    ];
    for (const [body, field, message] of cases) {
      const res = await start(body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error).toMatchObject({ code: 'VALIDATION_FAILED', field });
      expect(String(res.body.error?.message)).toMatch(message);
    }
    const missing = await http('POST', '/api/runs/20261129T230000Z-ffffff/replay', { rate: 1 });
    expect(missing.status).toBe(404);
    expect(missing.body.error).toMatchObject({ code: 'RUN_NOT_FOUND' });
    const badId = await http('POST', '/api/runs/..%2F..%2Fetc/replay', { rate: 1 });
    expect(badId.status).toBe(400);
    expect(badId.body.error).toMatchObject({ field: 'params.id' });
    // Over Socket.IO: a viewer may list and hear statuses but not start one; payloads are validated the same way.
    await expect(live.runs.replay(RUN_ID, { rate: 1 })).rejects.toBeInstanceOf(HubError);
    await expect(live.runs.replay(RUN_ID, { rate: 1 })).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
    expect(await live.runs.replays()).toEqual([]);
    const operator = connectHub(t.url, { token: HUB_OPERATOR });
    await expect(operator.runs.replay(RUN_ID, { rate: 21 })).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      field: 'rate',
    });
    const handle = await operator.runs.replay(RUN_ID, { rate: 2, loop: true });
    expect((await handle.pause()).state).toBe('paused');
    expect((await handle.seek(500)).positionMs).toBe(500);
    await expect(handle.seek(999_999)).rejects.toMatchObject({ code: 'REPLAY_OUT_OF_RANGE', field: 'position' });
    expect((await handle.resume()).state).toBe('playing');
    expect((await handle.stop()).state).toBe('stopped');
    operator.close();
  });

  it('CLI: replay <id> --rate 10 shows the position and exits when the run ends', async () => {
    const env = { JETDRIVE_HUB_URL: t.url, JETDRIVE_HUB_TOKEN: HUB_OPERATOR, LOG_LEVEL: 'silent' };
    const run = await runTsScript(CLI, ['replay', RUN_ID, '--rate', '10'], env).finished;
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^replaying run 20261129T230000Z-00ff00 as rp-[0-9a-f]{8}$/m);
    expect(run.stdout).toContain(`providers: ${REPLAY_DYNO}`);
    expect(run.stdout).toMatch(/rp-[0-9a-f]{8} "Live pull" ended 2\.\d s \/ 2\.\d s at 10x$/m);
    const refused = await runTsScript(CLI, ['replay', RUN_ID], { ...env, JETDRIVE_HUB_TOKEN: '' }).finished;
    expect(refused.code).toBe(4);
    const badRate = await runTsScript(CLI, ['replay', RUN_ID, '--rate', '50'], env).finished;
    expect(badRate.code).toBe(2);
    expect(badRate.stderr).toMatch(/expected a rate from 0\.1 to 20/);
  }, 60_000);
});
