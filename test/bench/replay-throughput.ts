import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Subject } from 'rxjs';
import { createChannelRegistry } from '../../server/channels/index.js';
import { createJetDriveNode } from '../../server/jetdrive/create-jetdrive-node.js';
import { createReplayManager, loadRunFile } from '../../server/replay/index.js';
import type { Datagram } from '../../server/transport/types.js';
import { mergeRuns, syntheticRun, writeRunFile } from '../support/replay-fixtures.js';
import { ATMO_PROVIDER, DYNO_PROVIDER, SIMULATOR_CHANNELS } from '../support/simulator-channels.js';
import type { BenchResult } from './types.js';

// Replay throughput at the highest rate: a run shaped like the simulator's (the dyno's 16 channels at 50 Hz, the
// probe's 3 at 10 Hz, one ChannelValues per provider per tick) fed as fast as the pipeline takes it — passive node,
// namespaced sink, registry — against the recorded run's own sample rate (real time). Context: the same datagrams fed
// into a bare passive node and registry, without the replay (pacing loop, clock rebase, namespace).

const START_NS = 1_764_417_600_000_000_000n;

export interface ReplayRates {
  /** Samples per second of the recorded run (real time). */
  realTimeSamplesPerS: number;
  /** Samples per second through the replay at its highest rate. */
  replaySamplesPerS: number;
  /** Samples per second through a bare node + registry, no replay around it. */
  bareSamplesPerS: number;
  samples: number;
  runSeconds: number;
}

/** One simulated provider's part of the run (the simulator's own channel set): its channels every `periodMs`. */
function providerRun(host: number, name: string, port: number, seconds: number, periodMs: number) {
  const channels = SIMULATOR_CHANNELS.filter((c) => c.provider === name).map((c) => ({
    channelId: c.id,
    name: c.name,
    unit: c.unit,
  }));
  const spec = { host, name, address: '127.0.0.1', port, channels };
  return syntheticRun(spec, { startNs: START_NS, durationMs: seconds * 1000, periodMs });
}

async function writeSimulatorRun(path: string, seconds: number): Promise<void> {
  const dyno = providerRun(0x43fd, DYNO_PROVIDER, 40001, seconds, 20);
  const probe = providerRun(0x1234, ATMO_PROVIDER, 40002, seconds, 100);
  await writeRunFile(path, mergeRuns(dyno, probe), { name: 'Bench run', chunkSize: 256 * 1024 });
}

/** Replays the run at the highest rate; the registry's sample count over the wall time until it ended. */
async function replayOnce(runsDir: string, runId: string): Promise<{ samples: number; ms: number }> {
  const registry = createChannelRegistry();
  let samples = 0;
  registry.samples$.subscribe((b) => {
    samples += b.count;
  });
  const replays = createReplayManager(registry.sink, { runsDir });
  const ended = new Promise<void>((resolve) => replays.status$.subscribe((s) => s.state === 'ended' && resolve()));
  const t0 = performance.now();
  await replays.startRun(runId, { rate: 'max' });
  await ended;
  const ms = performance.now() - t0;
  replays.dispose();
  registry.dispose();
  return { samples, ms };
}

/** The loaded datagrams fed straight into a passive node and a registry, in one go. */
async function bareOnce(path: string): Promise<{ samples: number; ms: number }> {
  const run = await loadRunFile(path, 1 << 30);
  const registry = createChannelRegistry();
  let samples = 0;
  registry.samples$.subscribe((b) => {
    samples += b.count;
  });
  const datagrams$ = new Subject<Datagram>();
  const node = createJetDriveNode({ datagrams$, send: null, sink: registry.sink }, { passive: true });
  await node.start();
  const t0 = performance.now();
  for (const d of run.datagrams) datagrams$.next({ bytes: d.bytes, from: d.from, receivedAt: Date.now() });
  const ms = performance.now() - t0;
  node.stop();
  registry.dispose();
  return { samples, ms };
}

/** Best of `rounds` (the machine is shared: the best round is the least disturbed one). */
export async function measureReplayRates(seconds = 120, rounds = 5): Promise<ReplayRates> {
  const dir = await mkdtemp(join(tmpdir(), 'jd-replay-bench-'));
  const runId = '20261130T000000Z-bebe00';
  const path = join(dir, `${runId}.mcap`);
  try {
    await writeSimulatorRun(path, seconds);
    let replay = 0;
    let bare = 0;
    let samples = 0;
    for (let i = 0; i < rounds; i++) {
      const r = await replayOnce(dir, runId);
      const b = await bareOnce(path);
      samples = r.samples;
      replay = Math.max(replay, r.samples / (r.ms / 1000));
      bare = Math.max(bare, b.samples / (b.ms / 1000));
    }
    return {
      realTimeSamplesPerS: samples / seconds,
      replaySamplesPerS: replay,
      bareSamplesPerS: bare,
      samples,
      runSeconds: seconds,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * The replay rows of a bench section: `npm run bench -- replay` on its own, and the run library's `runs` section
 * (which calls this when the file is present) once both are merged.
 */
export async function measureReplayThroughput(section = 'runs'): Promise<BenchResult[]> {
  const m = await measureReplayRates();
  return [
    {
      section,
      name: 'replay throughput at the highest rate (simulator-shaped run: 16 ch @ 50 Hz + 3 ch @ 10 Hz)',
      value: m.replaySamplesPerS,
      unit: 'samples/s',
      baseline: { name: 'the run in real time', value: m.realTimeSamplesPerS },
      ratio: m.replaySamplesPerS / m.realTimeSamplesPerS,
      target: '≥ 50x',
      notes: `${m.samples} samples, ${m.runSeconds} s run, best of 5; load + start included`,
    },
    {
      section,
      name: 'the same datagrams into a bare passive node + registry (no replay)',
      value: m.bareSamplesPerS,
      unit: 'samples/s',
      baseline: { name: 'replay', value: m.replaySamplesPerS },
      ratio: m.bareSamplesPerS / m.replaySamplesPerS,
      notes: 'what the replay machinery costs on top of decode → registry',
    },
  ];
}
