// Runs (issue 16): what recording costs and what it stores.
//   ingest zero-loss rate with recording on vs off: real ingests in this process take turns on the same rate ladder
//     against the ingest bench's sender process (loopback multicast, TTL 0); "on" has the run capture tapped in
//     (black box + a manual recording into a temp folder: the raw journal, a ring copy and one append per pump),
//     "off" is the bare ingest, "black box only" the ring without a recording; then the loss at twice each rate;
//   bytes on disk per minute of a 50 Hz dyno run (the simulator's engine model and frames, stepped faster than real
//     time, written through the recorder's journal and rewritten raw / lz4 / zstd): the figure that picks the
//     compression;
//   the end-of-run conversion of a journal at the ingest rates into MCAP, and the event loop's delay meanwhile;
//   the black box's memory at its defaults.
// The replay engineer's `test/bench/replay-throughput.ts` (measureReplayThroughput) is run too when it is present.
import { existsSync } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { RunMetadata } from '@jetdrive-hub/client/contract';
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
import { JournalSegment } from '../../server/runs/journal-format.js';
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
  START_RATE,
  startSender,
  type Trial,
  trial,
} from './ingest.bench.js';
import type { BenchResult } from './types.js';

const here = dirname(fileURLToPath(import.meta.url));
const TARGET = 0.9;
const RUN_S = 60;
const DYNO_HZ = 50;
const PROBE_HZ = 10;

async function ingestReceiver(
  recording: { dir: string; record: boolean } | null,
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
      { ...DEFAULT_RUN_OPTIONS, detection: { ...DEFAULT_RUN_OPTIONS.detection, maxDurationS: 3600 } },
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
  const ringOnly = await ingestReceiver({ dir: `${dir}-ring`, record: false });
  try {
    for (const r of [off, on, ringOnly])
      await blast(child, { type: 'blast', port: r.port, group: GROUP, rate: 5000, durationMs: 200 });
    const [offSearch, onSearch, ringSearch] = await climb(child, [off, on, ringOnly]);
    const twice = async (s: Search) => trial(child, s.receiver, Math.round(2 * (s.passing?.requested ?? START_RATE)));
    const offTwice = await twice(offSearch);
    const onTwice = await twice(onSearch);
    const rate = (s: Search) => (s.passing?.achieved ?? 0) * SAMPLES_PER_DATAGRAM;
    const behind = on.capture?.stats().dropped.behind ?? 0;
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
    const loss = (name: string, t: Trial): BenchResult => ({
      section: 'runs',
      name: `ingest loss at 2x its zero-loss rate, ${name}`,
      value: Math.round(t.loss * 10_000) / 100,
      unit: '%',
      notes: `${Math.round(t.achieved)} datagrams/s sent`,
    });
    return [
      row('black box only (not recording)', ringSearch, "the hot path's own cost"),
      row('recording off', offSearch, 'bare ingest'),
      {
        ...row(
          'recording on',
          onSearch,
          `black box + raw journal (a ring copy and one append per 50 ms); datagrams the recorder fell behind on: ${behind}`,
        ),
        target: `≥ ${TARGET}x`,
      },
      loss('recording off', offTwice),
      loss('recording on', onTwice),
    ];
  } finally {
    child.send({ type: 'exit' });
    await off.close();
    await on.close();
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
  await writeJournal(journalFile, meta, ring);
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
    { section: 'runs', name: 'journal (raw segments, while recording)', value: journalBytes / 1024, unit: 'KiB/min' },
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

/** The ring's datagrams written as the recorder does: one segment per pump-sized copy. */
async function writeJournal(file: string, meta: RunMetadata, ring: BlackBoxRing): Promise<void> {
  const journal = await RunJournal.create(NODE_RUN_FILE_SYSTEM, file, meta);
  const segment = new JournalSegment(16 * 1024, 4 * 1024 * 1024);
  let next = 0;
  for (;;) {
    const r = ring.copyRange(next, ring.nextSeq, 4 * 1024 * 1024, segment);
    if (!r.batch) break;
    next = r.next;
    await journal.noteSources(ring.sources());
    await journal.append(segment.record());
  }
  await journal.close();
}

/**
 * The end-of-run conversion of a journal at the bench's ingest rates (1 s of 1.3 kB datagrams at 100k/s), and the
 * event loop's delay meanwhile: what live streaming would feel while a long run is turned into MCAP.
 */
async function conversionFigures(dir: string): Promise<BenchResult[]> {
  const n = 100_000;
  const t0 = Date.UTC(2026, 0, 1);
  const ring = new BlackBoxRing({ maxAgeMs: Number.MAX_SAFE_INTEGER, capacityBytes: 256 * 1024 * 1024, maxEntries: n });
  const samples = Array.from({ length: SAMPLES_PER_DATAGRAM }, (_, k) => ({ channelId: k + 1, ts: 0, value: k }));
  for (let i = 0; i < n; i++) {
    const [bytes] = buildChannelValuesFrames({ host: 0x43fd, seqStart: i & 0xff, samples });
    ring.push(bytes, { address: '127.0.0.1', port: 22344 }, t0 + i / 100);
  }
  const meta = startMetadata({ id: '20260101T000000Z-000001', name: 'bench', startedAt: t0, reason: 'manual' });
  const journalFile = join(dir, 'convert.mcap.part');
  await writeJournal(journalFile, meta, ring);
  const journalBytes = (await stat(journalFile)).size;
  const delay = monitorEventLoopDelay({ resolution: 5 });
  delay.enable();
  const started = performance.now();
  await rewriteRunFile({
    fs: NODE_RUN_FILE_SYSTEM,
    from: journalFile,
    to: join(dir, 'convert.mcap'),
    compression: 'zstd',
    strict: false,
    metadata: (f) => ({ ...meta, datagrams: f.datagrams }),
  });
  const ms = performance.now() - started;
  delay.disable();
  return [
    {
      section: 'runs',
      name: 'journal to MCAP (zstd) at run end, 100k datagrams of 140 samples',
      value: n / (ms / 1000),
      unit: 'datagrams/s',
      notes: `${Math.round(ms)} ms for ${Math.round(journalBytes / 1024 / 1024)} MiB of journal`,
    },
    {
      section: 'runs',
      name: 'event-loop delay during that conversion, max',
      value: Math.round(delay.max / 1e5) / 10,
      unit: 'ms',
      notes: `p99 ${Math.round(delay.percentile(99) / 1e5) / 10} ms, mean ${Math.round(delay.mean / 1e5) / 10} ms (5 ms resolution)`,
    },
  ];
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
      // Last: its few hundred MiB of journal and run file are still being written back to the disk for a while.
      ...(await conversionFigures(dir)),
    ];
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
