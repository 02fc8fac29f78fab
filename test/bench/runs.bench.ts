// Runs (issue 16): what recording costs and what it stores.
//   ingest zero-loss rate with recording on vs off: two real ingests in this process take turns on the same rate
//     ladder against the ingest bench's sender process (loopback multicast, TTL 0); "on" has the run capture tapped
//     in (black box + a manual recording into a temp folder), "off" is the bare ingest;
//   bytes on disk per minute of a 50 Hz dyno run (the simulator's engine model and frames, stepped faster than real
//     time, written through the recorder's journal and rewritten raw / lz4 / zstd): the figure that picks the
//     compression;
//   the black box's memory at its defaults.
// The replay engineer's `test/bench/replay-throughput.ts` (measureReplayThroughput) is run too when it is present.
import { existsSync } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { NEVER } from 'rxjs';
import { createDynoSim } from '../../server/engine/index.js';
import type { Ingest } from '../../server/ingest/create-ingest.js';
import { buildChannelValuesFrames } from '../../server/protocol/index.js';
import {
  BlackBoxRing,
  DEFAULT_RUN_OPTIONS,
  NODE_RUN_FILE_SYSTEM,
  RunCapture,
  RunLibrary,
  rewriteRunFile,
} from '../../server/runs/index.js';
import { LocalJournalPort } from '../../server/runs/journal-thread.js';
import { RunJournal } from '../../server/runs/run-journal.js';
import { startMetadata } from '../../server/runs/start-metadata.js';
import { DYNO_CHANNELS, PROBE_CHANNELS } from '../../server/sim/sim-channels.js';
import {
  blast,
  climb,
  GROUP,
  hubReceiver,
  type Receiver,
  SAMPLES_PER_DATAGRAM,
  type Search,
  startSender,
} from './ingest.bench.js';
import type { BenchResult } from './types.js';

const here = dirname(fileURLToPath(import.meta.url));
const TARGET = 0.9;
const RUN_S = 60;
const DYNO_HZ = 50;
const PROBE_HZ = 10;

async function ingestReceiver(
  recording: { dir: string; record: boolean; journalWorker?: boolean } | null,
): Promise<Receiver & { capture: RunCapture | null; ingest: Ingest }> {
  const { ingest, port, count, close } = await hubReceiver();
  let capture: RunCapture | null = null;
  if (recording) {
    const library = new RunLibrary({
      dir: recording.dir,
      fs: NODE_RUN_FILE_SYSTEM,
      maxTotalBytes: 2 ** 40,
      maxRuns: 100,
    });
    capture = new RunCapture(
      {
        ...DEFAULT_RUN_OPTIONS,
        detection: { ...DEFAULT_RUN_OPTIONS.detection, maxDurationS: 3600 },
        journalWorker: recording.journalWorker ?? DEFAULT_RUN_OPTIONS.journalWorker,
      },
      {
        registry: ingest.registry,
        resolver: { quantityOf: () => null, changes$: NEVER },
        library,
        fs: NODE_RUN_FILE_SYSTEM,
        tap: (l) => ingest.onDatagram(l),
      },
    );
    await capture.start();
    if (recording.record) capture.startManual('bench');
  }
  return {
    port,
    ingest,
    capture,
    count,
    close: async () => {
      await capture?.stop();
      await close();
    },
  };
}

async function ingestFigures(dir: string): Promise<BenchResult[]> {
  const child = await startSender();
  const off = await ingestReceiver(null);
  const on = await ingestReceiver({ dir, record: true });
  const onMain = await ingestReceiver({ dir: `${dir}-main`, record: true, journalWorker: false });
  const ringOnly = await ingestReceiver({ dir: `${dir}-ring`, record: false });
  try {
    for (const r of [off, on, onMain, ringOnly])
      await blast(child, { type: 'blast', port: r.port, group: GROUP, rate: 5000, durationMs: 200 });
    const [offSearch, onSearch, onMainSearch, ringSearch] = await climb(child, [off, on, onMain, ringOnly]);
    const rate = (s: Search) => (s.passing?.achieved ?? 0) * SAMPLES_PER_DATAGRAM;
    const behind = (r: typeof on) => r.capture?.stats().dropped.behind ?? 0;
    const limited = (s: Search) => (s.senderLimited ? '; sender-limited: no loss found up to there' : '');
    const offRate = rate(offSearch);
    const row = (name: string, s: Search, notes: string): BenchResult => ({
      section: 'runs',
      name: `ingest zero-loss rate, ${name}`,
      value: rate(s),
      unit: 'samples/s',
      ...(s === offSearch ? {} : { baseline: { name: 'recording off', value: offRate } }),
      ...(s === offSearch || offRate === 0 ? {} : { ratio: rate(s) / offRate }),
      notes: `${notes}${limited(s)}`,
    });
    return [
      row('black box only (not recording)', ringSearch, "the hot path's own cost"),
      row('recording off', offSearch, 'bare ingest'),
      row(
        'recording on, journal encoded in the main thread',
        onMainSearch,
        `black box + journal encoded on the event loop; datagrams the recorder fell behind on: ${behind(onMain)}`,
      ),
      {
        ...row(
          'recording on',
          onSearch,
          `black box + journal encoded in its worker thread; datagrams the recorder fell behind on: ${behind(on)}`,
        ),
        target: `≥ ${TARGET}x`,
      },
    ];
  } finally {
    child.send({ type: 'exit' });
    await off.close();
    await on.close();
    await onMain.close();
    await ringOnly.close();
  }
}

interface SimDatagram {
  bytes: Uint8Array;
  at: number;
  port: number;
}

/** One minute of the simulated dyno (a pull in it) as the datagrams its two providers send, in time order. */
function simulatedMinute(): SimDatagram[] {
  const sim = createDynoSim({ profile: 'm8_114', seed: 11 });
  const out: SimDatagram[] = [];
  const t0 = Date.UTC(2026, 0, 1);
  let dynoSeq = 0;
  let probeSeq = 0;
  for (let i = 0; i < RUN_S * DYNO_HZ; i++) {
    if (i === 5 * DYNO_HZ) sim.triggerPull();
    const f = sim.step(1 / DYNO_HZ);
    const at = t0 + (i * 1000) / DYNO_HZ;
    const ts = Math.round(f.t * 1000);
    const samples = DYNO_CHANNELS.map((c) => ({ channelId: c.id, ts, value: c.read(f) }));
    for (const bytes of buildChannelValuesFrames({ host: 0x43fd, seqStart: dynoSeq++ & 0xff, samples }))
      out.push({ bytes, at, port: 22344 });
    if (i % (DYNO_HZ / PROBE_HZ) === 0) {
      const probe = PROBE_CHANNELS.map((c) => ({ channelId: c.id, ts, value: c.read(f) }));
      for (const bytes of buildChannelValuesFrames({ host: 0x1a2b, seqStart: probeSeq++ & 0xff, samples: probe }))
        out.push({ bytes, at, port: 22345 });
    }
  }
  return out;
}

async function diskFigures(dir: string): Promise<BenchResult[]> {
  const datagrams = simulatedMinute();
  const journalFile = join(dir, 'bench.mcap.part');
  const meta = startMetadata({
    id: '20260101T000000Z-000000',
    name: 'bench',
    startedAt: datagrams[0].at,
    reason: 'manual',
  });
  const ring = new BlackBoxRing({ maxAgeMs: Number.MAX_SAFE_INTEGER, capacityBytes: 64 * 1024 * 1024 });
  for (const d of datagrams) ring.push(d.bytes, { address: '127.0.0.1', port: d.port }, d.at);
  const journal = await RunJournal.create(NODE_RUN_FILE_SYSTEM, journalFile, meta, new LocalJournalPort());
  const { batch } = ring.copyRange(0, ring.nextSeq, Number.MAX_SAFE_INTEGER);
  if (batch) await journal.append({ batch, sources: ring.sources(), clocks: [], flush: true });
  await journal.close();
  const payload = datagrams.reduce((n, d) => n + d.bytes.byteLength, 0);
  const journalBytes = (await stat(journalFile)).size;
  const results: BenchResult[] = [
    {
      section: 'runs',
      name: 'datagram bytes per minute (50 Hz dyno + 10 Hz probe)',
      value: payload / 1024,
      unit: 'KiB',
      notes: `${datagrams.length} datagrams`,
    },
    { section: 'runs', name: 'journal (unchunked, while recording)', value: journalBytes / 1024, unit: 'KiB/min' },
  ];
  let raw = 0;
  for (const compression of ['none', 'lz4', 'zstd'] as const) {
    const to = join(dir, `bench-${compression}.mcap`);
    const started = performance.now();
    const r = await rewriteRunFile({
      fs: NODE_RUN_FILE_SYSTEM,
      from: journalFile,
      to,
      compression,
      strict: false,
      metadata: (f) => ({ ...meta, datagrams: f.datagrams }),
    });
    const ms = performance.now() - started;
    if (compression === 'none') raw = r.sizeBytes;
    results.push({
      section: 'runs',
      name: `run file per minute, ${compression === 'none' ? 'raw (uncompressed chunks)' : compression}`,
      value: r.sizeBytes / 1024,
      unit: 'KiB/min',
      ...(compression === 'none' ? {} : { baseline: { name: 'raw', value: raw / 1024 }, ratio: r.sizeBytes / raw }),
      notes: `finalised in ${Math.round(ms)} ms`,
    });
  }
  return results;
}

function ringFigures(): BenchResult[] {
  const ring = new BlackBoxRing({ maxAgeMs: DEFAULT_RUN_OPTIONS.ringMs, capacityBytes: DEFAULT_RUN_OPTIONS.ringBytes });
  const heapBefore = process.memoryUsage().arrayBuffers;
  const datagrams = simulatedMinute();
  for (const d of datagrams) ring.push(d.bytes, { address: '127.0.0.1', port: d.port }, d.at);
  const s = ring.stats();
  return [
    {
      section: 'runs',
      name: 'black box memory at defaults (10 s, 8 MiB)',
      value: s.memoryBytes / 1024 / 1024,
      unit: 'MiB',
      notes: `preallocated; array buffers now ${Math.round((process.memoryUsage().arrayBuffers - heapBefore) / 1024)} KiB above before the run`,
    },
    {
      section: 'runs',
      name: 'black box holding the last 10 s of the 50 Hz run',
      value: s.bytes / 1024,
      unit: 'KiB',
      notes: `${s.entries} datagrams, ${s.dropped} pushed out early`,
    },
  ];
}

/** The replay engineer's figure, when their file is on this branch (the lead glues the two together). */
async function replayFigures(): Promise<BenchResult[]> {
  const file = join(here, 'replay-throughput.ts');
  if (!existsSync(file)) return [];
  const mod = (await import(pathToFileURL(file).href)) as { measureReplayThroughput?: () => Promise<BenchResult[]> };
  return mod.measureReplayThroughput ? await mod.measureReplayThroughput() : [];
}

export async function run(): Promise<BenchResult[]> {
  const dir = await mkdtemp(join(tmpdir(), 'jd-runs-bench-'));
  try {
    return [
      ...ringFigures(),
      ...(await diskFigures(dir)),
      ...(await replayFigures()),
      ...(await ingestFigures(join(dir, 'lib'))),
    ];
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
