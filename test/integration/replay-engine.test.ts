import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compress as zstdCompress } from '@bokuweb/zstd-wasm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type ChannelRegistryHandle, createChannelRegistry } from '../../server/channels/index.js';
import type { SampleBatch } from '../../server/channels/types.js';
import { zstdReady } from '../../server/replay/decompress-handlers.js';
import { createReplayManager, type ReplayManager } from '../../server/replay/index.js';
import {
  FIXTURE_DYNO,
  type FixtureDatagram,
  mergeRuns,
  type SyntheticProvider,
  syntheticRun,
  syntheticValue,
  writeRunFile,
} from '../support/replay-fixtures.js';
import { until } from '../support/until.js';

// The replay engine against a real channel registry (no network): run files written with @mcap/core's McapWriter,
// replayed through passive JetDrive nodes into the registry the live node feeds.

const RUN_ID = '20261129T120000Z-0a1b2c';
const START_NS = 1_764_417_600_000_000_000n;
const DYNO = FIXTURE_DYNO;
const PROBE: SyntheticProvider = {
  host: 0x1234,
  name: 'Atmospheric Probe',
  address: '127.0.0.1',
  port: 40002,
  channels: [{ channelId: 7, name: 'Pressure', unit: 9 }],
};

interface Seen {
  providerId: number;
  channelId: number;
  value: number;
  providerTs: number;
  at: number;
}

let dir: string;
let registry: ChannelRegistryHandle;
let replays: ReplayManager;
let seen: Seen[];

function collect(batch: SampleBatch): void {
  for (let i = 0; i < batch.count; i++) {
    seen.push({
      providerId: batch.providerId,
      channelId: batch.channelIds[i],
      value: batch.values[i],
      providerTs: batch.providerTs[i],
      at: performance.now(),
    });
  }
}

async function runFile(datagrams: FixtureDatagram[], name = 'Fixture run', id = RUN_ID): Promise<string> {
  const path = join(dir, 'runs', `${id}.mcap`);
  await writeRunFile(path, datagrams, { name });
  return path;
}

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'jd-replay-'));
  await mkdir(join(dir, 'runs'));
  registry = createChannelRegistry();
  replays = createReplayManager(registry.sink, { runsDir: join(dir, 'runs'), maxConcurrent: 2, statusIntervalMs: 50 });
  seen = [];
  registry.samples$.subscribe(collect);
});

afterEach(async () => {
  replays.dispose();
  registry.dispose();
  await rm(dir, { recursive: true, force: true });
});

const dynoId = (slot: number) => slot * 0x10000 + DYNO.host;

describe('replay through the registry', () => {
  it.each([1, 10])(
    'at %sx feeds every recorded value with its recorded provider timestamp, paced by log time',
    async (rate) => {
      const durationMs = rate === 1 ? 600 : 2000;
      await runFile(mergeRuns(syntheticRun(DYNO, { startNs: START_NS, durationMs, periodMs: 20 })));
      const t0 = performance.now();
      const status = await replays.startRun(RUN_ID, { rate });
      expect(status.state).toBe('playing');
      await until(() => replays.get(status.id).state === 'ended', 10_000, 'the replay to end');
      const elapsed = performance.now() - t0;
      // Paced: the run takes its duration / rate (timers may be late on a loaded machine, never early).
      expect(elapsed).toBeGreaterThanOrEqual((durationMs / rate) * 0.9);
      const expected = [];
      for (let t = 0; t <= durationMs; t += 20) {
        for (const c of DYNO.channels)
          expected.push({ channelId: c.channelId, providerTs: 1000 + t, value: syntheticValue(c.channelId, t) });
      }
      expect(seen.map(({ channelId, providerTs, value }) => ({ channelId, providerTs, value }))).toEqual(expected);
      expect(new Set(seen.map((s) => s.providerId))).toEqual(new Set([dynoId(1)]));
      // Relative pacing: the last sample arrives about durationMs / rate after the first.
      const spread = seen[seen.length - 1].at - seen[0].at;
      expect(spread).toBeGreaterThanOrEqual((durationMs / rate) * 0.85);
      expect(registry.stats().staleSamples).toBe(0);
    },
  );

  it('puts the providers under the replay namespace: (slot << 16) | host id and replay:<run>/<provider>', async () => {
    await runFile(
      mergeRuns(
        syntheticRun(DYNO, { startNs: START_NS, durationMs: 400, periodMs: 20 }),
        syntheticRun(PROBE, { startNs: START_NS, durationMs: 400, periodMs: 100 }),
      ),
      'Pull 3',
    );
    const a = await replays.startRun(RUN_ID, { rate: 20, loop: true });
    const b = await replays.startRun(RUN_ID, { rate: 20, loop: true });
    await until(() => registry.providers().length === 4, 5000, 'both replays to announce both providers');
    const providers = registry
      .providers()
      .map((p) => [p.hostId, p.hostHex, p.name])
      .sort();
    expect(providers).toEqual(
      [
        [0x14_3fd, '0x143FD', 'replay:Pull 3/Simulated Dyno'],
        [0x11_234, '0x11234', 'replay:Pull 3/Atmospheric Probe'],
        [0x24_3fd, '0x243FD', 'replay:Pull 3/Simulated Dyno'],
        [0x21_234, '0x21234', 'replay:Pull 3/Atmospheric Probe'],
      ].sort(),
    );
    expect(
      replays
        .get(a.id)
        .providers.map((p) => p.recordedHostId)
        .sort((x, y) => x - y),
    ).toEqual([PROBE.host, DYNO.host]);
    // Channel keys and display names stay distinct, so viewers can select either replay.
    const names = registry.catalog().channels.map((c) => c.displayName);
    expect(new Set(names).size).toBe(names.length);
    expect(replays.stop(b.id).state).toBe('stopped');
    await until(() => registry.providers().length === 2, 2000, 'the stopped replay to leave the registry');
    expect(registry.providers().every((p) => p.hostId >>> 16 === 1)).toBe(true);
  });

  it('pauses, resumes, seeks back and loops without a stale sample', async () => {
    await runFile(syntheticRun(DYNO, { startNs: START_NS, durationMs: 3000, periodMs: 20 }));
    const r = await replays.startRun(RUN_ID, { rate: 2 });
    // A second replay is the clock: while it plays on, the paused one feeds nothing and keeps its position.
    const clock = await replays.startRun(RUN_ID, { rate: 2, loop: true });
    await until(() => seen.length > 20, 5000, 'samples');
    const paused = replays.pause(r.id);
    expect(paused.state).toBe('paused');
    const fed = paused.datagrams;
    const ticks = replays.get(clock.id).datagrams;
    await until(() => replays.get(clock.id).datagrams > ticks + 20, 5000, '20 datagrams of the other replay');
    expect(replays.get(r.id)).toMatchObject({ datagrams: fed, positionMs: paused.positionMs, state: 'paused' });
    replays.stop(clock.id);
    const count = seen.length;
    expect(replays.resume(r.id).state).toBe('playing');
    await until(() => seen.length > count + 10, 5000, 'samples after resume');
    // Back to the start: the recorded values from 0 ms on come again, continuing the provider clock.
    const before = seen.length;
    const lastTs = seen[seen.length - 1].providerTs;
    replays.seek(r.id, 0);
    await until(() => seen.length > before + 20, 5000, 'samples after seeking back');
    const after = seen.slice(before).filter((s) => s.channelId === 1);
    expect(after[0].value).toBe(syntheticValue(1, 0));
    expect(after[0].providerTs).toBeGreaterThan(lastTs);
    expect(after[1].providerTs - after[0].providerTs).toBe(20);
    expect(() => replays.seek(r.id, 5000)).toThrow(/position: 5000 ms is outside this replay's range 0–3000 ms/);
    expect(registry.stats().staleSamples).toBe(0);
  });

  it('loops over from–to, values repeating and the provider clock moving on', async () => {
    await runFile(syntheticRun(DYNO, { startNs: START_NS, durationMs: 1000, periodMs: 20 }));
    const r = await replays.startRun(RUN_ID, { rate: 20, from: 200, to: 400, loop: true });
    await until(() => replays.get(r.id).loops >= 3, 5000, 'three loops');
    const rpm = seen.filter((s) => s.channelId === 1);
    expect(rpm.every((s) => s.value >= syntheticValue(1, 200) && s.value <= syntheticValue(1, 400))).toBe(true);
    expect(rpm.filter((s) => s.value === syntheticValue(1, 200)).length).toBeGreaterThanOrEqual(3);
    for (let i = 1; i < rpm.length; i++) expect(rpm[i].providerTs).toBeGreaterThan(rpm[i - 1].providerTs);
    expect(registry.stats().staleSamples).toBe(0);
  });

  it('bounds concurrent replays, reclaiming an ended one first', async () => {
    await runFile(syntheticRun(DYNO, { startNs: START_NS, durationMs: 100, periodMs: 20 }));
    const a = await replays.startRun(RUN_ID, { rate: 20 });
    const b = await replays.startRun(RUN_ID, { rate: 1, loop: true });
    await until(() => replays.get(a.id).state === 'ended', 3000, 'the short replay to end');
    // Both slots are taken, one by an ended replay: it makes room.
    const c = await replays.startRun(RUN_ID, { rate: 1, loop: true });
    expect(
      replays
        .list()
        .map((s) => s.id)
        .sort(),
    ).toEqual([b.id, c.id].sort());
    await expect(replays.startRun(RUN_ID, { rate: 1 })).rejects.toMatchObject({
      code: 'TOO_MANY_REPLAYS',
      message: '2 replays are running (REPLAY_MAX_CONCURRENT): stop one first',
    });
    expect(replays.stats()).toMatchObject({ reclaimed: 1, active: 2, refused: 1 });
  });
});

describe('run files', () => {
  it('replays an unfinished file (no summary: a crash) from its complete chunks', async () => {
    const datagrams = syntheticRun(DYNO, { startNs: START_NS, durationMs: 2000, periodMs: 10 });
    await writeRunFile(join(dir, 'runs', `${RUN_ID}.mcap`), datagrams, { unfinished: true, chunkSize: 2048 });
    const r = await replays.startRun(RUN_ID, { rate: 20 });
    await until(() => replays.get(r.id).state === 'ended', 5000, 'the replay to end');
    const status = replays.get(r.id);
    expect(status.datagrams).toBeGreaterThan(50);
    expect(status.datagrams).toBeLessThan(datagrams.length);
    expect(seen.length).toBeGreaterThan(100);
  });

  it('reads zstd-compressed chunks (the recorder compresses with zstd)', async () => {
    // The hub's own one-per-process init: zstd-wasm breaks when initialised twice.
    await zstdReady();
    const datagrams = syntheticRun(DYNO, { startNs: START_NS, durationMs: 1000, periodMs: 20 });
    await writeRunFile(join(dir, 'runs', `${RUN_ID}.mcap`), datagrams, {
      chunkSize: 4096,
      compressChunk: (data) => ({ compression: 'zstd', compressedData: zstdCompress(data, 3) }),
    });
    const bytes = await readFile(join(dir, 'runs', `${RUN_ID}.mcap`));
    expect(bytes.includes(Buffer.from('zstd'))).toBe(true);
    const r = await replays.startRun(RUN_ID, { rate: 20 });
    await until(() => replays.get(r.id).state === 'ended', 5000, 'the replay to end');
    expect(replays.get(r.id).datagrams).toBe(datagrams.length);
    expect(seen.filter((s) => s.channelId === 2).map((s) => s.value)).toEqual(
      Array.from({ length: 51 }, (_, i) => syntheticValue(2, i * 20)),
    );
  });

  it('bounds what a replay holds: the file on disk and its datagrams once decompressed', async () => {
    await zstdReady();
    // One datagram recorded again and again: compresses far below what it holds.
    const wide = {
      ...DYNO,
      channels: Array.from({ length: 100 }, (_, i) => ({ channelId: i + 1, name: `C${i}`, unit: 255 })),
    };
    const run = syntheticRun(wide, { startNs: START_NS, durationMs: 0, periodMs: 10 });
    const infos = run.filter((d) => d.bytes[0] === 0x01);
    const values = run.filter((d) => d.bytes[0] === 0x02)[0];
    const datagrams = [
      ...infos,
      ...Array.from({ length: 1001 }, (_, i) => ({ ...values, logTimeNs: START_NS + BigInt(i * 10_000_000) })),
    ];
    const path = join(dir, 'runs', `${RUN_ID}.mcap`);
    await writeRunFile(path, datagrams, {
      chunkSize: 64 * 1024,
      compressChunk: (data) => ({ compression: 'zstd', compressedData: zstdCompress(data, 3) }),
    });
    const onDisk = (await readFile(path)).byteLength;
    const held = datagrams.reduce((n, d) => n + d.bytes.byteLength, 0);
    expect(held).toBeGreaterThan(onDisk * 2);
    const small = createReplayManager(registry.sink, { runsDir: join(dir, 'runs'), maxFileBytes: onDisk + 100 });
    await expect(small.startRun(RUN_ID, { rate: 1 })).rejects.toMatchObject({
      code: 'RUN_FILE_TOO_LARGE',
      message: expect.stringContaining(`holds more than ${onDisk + 100} bytes of datagrams`),
    });
    const tiny = createReplayManager(registry.sink, { runsDir: join(dir, 'runs'), maxFileBytes: 1024 });
    await expect(tiny.startRun(RUN_ID, { rate: 1 })).rejects.toMatchObject({ code: 'RUN_FILE_TOO_LARGE' });
    // A refused start leaves its slot free.
    expect(small.stats()).toMatchObject({ active: 0 });
    await expect(replays.startRun(RUN_ID, { rate: 1, from: 10_000 })).rejects.toMatchObject({
      code: 'REPLAY_OUT_OF_RANGE',
      field: 'from',
    });
    expect((await replays.startRun(RUN_ID, { rate: 1, from: 9_000 })).state).toBe('playing');
    small.dispose();
    tiny.dispose();
  });

  it('refuses missing, foreign and non-MCAP files with a clear error', async () => {
    await expect(replays.startRun(RUN_ID, { rate: 1 })).rejects.toMatchObject({ code: 'RUN_NOT_FOUND' });
    await expect(replays.startRun('../../etc/passwd', { rate: 1 })).rejects.toMatchObject({
      code: 'RUN_NOT_FOUND',
      field: 'id',
    });
    await writeFile(join(dir, 'runs', `${RUN_ID}.mcap`), 'not an mcap file at all');
    await expect(replays.startRun(RUN_ID, { rate: 1 })).rejects.toMatchObject({ code: 'RUN_FILE_INVALID' });
    const path = join(dir, 'other.mcap');
    await writeRunFile(path, syntheticRun(DYNO, { startNs: START_NS, durationMs: 100, periodMs: 20 }));
    const bytes = await readFile(path);
    // The same file under another profile: not a run file.
    const foreign = Buffer.from(bytes);
    const at = foreign.indexOf('jetdrive');
    foreign.write('ros2abcd', at);
    await writeFile(join(dir, 'runs', `${RUN_ID}.mcap`), foreign);
    await expect(replays.startRun(RUN_ID, { rate: 1 })).rejects.toThrow(
      /profile is "ros2abcd", a run file's is "jetdrive"/,
    );
    expect(replays.list()).toEqual([]);
  });
});
