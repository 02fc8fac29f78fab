import { mkdtemp, readdir, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { McapWriter } from '@mcap/core';
import { NEVER } from 'rxjs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildChannelValuesFrames } from '../../../server/protocol/index.js';
import type { ClockOffset } from '../../../server/runs/datagram-facts.js';
import { FileWritable } from '../../../server/runs/file-writable.js';
import { JournalSegment } from '../../../server/runs/journal-format.js';
import {
  BlackBoxRing,
  createRunId,
  DEFAULT_RUN_OPTIONS,
  NODE_RUN_FILE_SYSTEM,
  RunCapture,
  RunLibrary,
  rewriteRunFile,
} from '../../../server/runs/index.js';
import { JOURNAL_WRITER_OPTIONS, runMetadataRecord } from '../../../server/runs/run-file-format.js';
import { RunJournal } from '../../../server/runs/run-journal.js';
import { startMetadata } from '../../../server/runs/start-metadata.js';
import { createFakeChannelRegistry } from '../../support/fake-channel-registry.js';
import { readRunFileIndependently } from '../../support/runs-file-reader.js';

// The raw journal (the black box's segments, appended as they are) and its conversion into the run file: read back
// by the tests' independent MCAP reader, whole or cut anywhere, and refused clearly when it is not one.

const T0 = Date.UTC(2026, 0, 1, 12);
const DYNO = { address: '127.0.0.1', port: 22344 };
const PROBE = { address: '127.0.0.2', port: 22345 };
const DYNO_HOST = 0x43fd;
const CLOCK: ClockOffset = { offsetMs: T0 - 5000, latencyMs: 3 };

interface Sent {
  bytes: Uint8Array;
  from: { address: string; port: number };
  at: number;
  ts: number;
}

/** Real ChannelValues frames from two providers, with receive times that have fractions of a ms. */
function datagrams(n: number): Sent[] {
  const out: Sent[] = [];
  for (let i = 0; i < n; i++) {
    const probe = i % 4 === 3;
    const ts = 5000 + i * 20;
    const samples = Array.from({ length: 1 + (i % 7) }, (_, k) => ({ channelId: k + 1, ts, value: i * 10 + k }));
    const [bytes] = buildChannelValuesFrames({ host: probe ? 0x1a2b : DYNO_HOST, seqStart: i & 0xff, samples });
    out.push({ bytes, from: probe ? PROBE : DYNO, at: T0 + i * 20.25 + 0.125, ts });
  }
  return out;
}

let dir = '';
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'jd-journal-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const meta = (id = createRunId(T0)) => startMetadata({ id, name: 'Journal test', startedAt: T0, reason: 'manual' });

/** Records `sent` as the recorder does: ring copies of at most `perSegment` datagrams, one append each. */
async function record(file: string, sent: Sent[], perSegment = 16, id?: string): Promise<number[]> {
  const ring = new BlackBoxRing({ maxAgeMs: Number.MAX_SAFE_INTEGER, capacityBytes: 1024 * 1024 });
  for (const d of sent) ring.push(d.bytes, d.from, d.at);
  const journal = await RunJournal.create(NODE_RUN_FILE_SYSTEM, file, meta(id));
  const segment = new JournalSegment(perSegment, 64 * 1024);
  const ends: number[] = [];
  for (let next = 0; ; ) {
    const r = ring.copyRange(next, ring.nextSeq, 64 * 1024, segment);
    if (!r.batch) break;
    next = r.next;
    await journal.noteSources(ring.sources());
    await journal.noteClocks(new Map([[DYNO_HOST, CLOCK]]));
    await journal.append(segment.record());
    ends.push(journal.bytesWritten);
  }
  await journal.close();
  return ends;
}

async function convert(from: string) {
  const to = join(dir, 'run.mcap');
  const result = await rewriteRunFile({
    fs: NODE_RUN_FILE_SYSTEM,
    from,
    to,
    compression: 'zstd',
    strict: false,
    metadata: (facts) => ({ ...meta(), datagrams: facts.datagrams }),
  });
  return { result, file: await readRunFileIndependently(to) };
}

/** Exact for these times (multiples of 1/8 ms). */
const ns = (ms: number) => BigInt(ms * 8) * 125_000n;

describe('the raw journal', () => {
  it('becomes a run file holding every datagram byte for byte, with receive time, source, sequence and publish time', async () => {
    const sent = datagrams(200);
    const journal = join(dir, 'run.mcap.part');
    const ends = await record(journal, sent);
    expect(ends.length).toBe(Math.ceil(200 / 16));
    const { result, file } = await convert(journal);
    expect(file.profile).toBe('jetdrive');
    expect(file.compression).toEqual(['zstd']);
    expect(file.messages.length).toBe(200);
    file.messages.forEach((m, i) => {
      const d = sent[i];
      expect(Buffer.from(m.data).equals(Buffer.from(d.bytes)), `datagram ${i}`).toBe(true);
      expect(m.logTime).toBe(ns(d.at));
      expect(m.source).toBe(`${d.from.address}:${d.from.port}`);
      expect(m.sequence).toBe(i & 0xff);
      // The dyno's clock is known: its first sample's timestamp on the hub's clock; the probe's is not.
      expect(m.publishTime).toBe(d.from === DYNO ? ns(d.ts + CLOCK.offsetMs - CLOCK.latencyMs) : ns(d.at));
    });
    expect(file.metadata.at(0)).toMatchObject({ name: 'Journal test', startedAt: T0 });
    expect(file.metadata.at(-1)).toMatchObject({ datagrams: 200 });
    expect(result.droppedSources).toBe(0);
  });

  it('cut anywhere (kill -9) converts up to its last whole datagram', async () => {
    const sent = datagrams(100);
    const journal = join(dir, 'run.mcap.part');
    const ends = await record(journal, sent, 10);
    const whole = await readFile(journal);
    const lastSegmentStart = ends.at(-2) ?? 0;
    const cases = [
      // Inside the last datagram's bytes: all but that one.
      { cut: whole.byteLength - 3, kept: 99 },
      // Inside the last segment's columns (times, lengths, sources): the segments before it.
      { cut: lastSegmentStart + 20, kept: 90 },
      // Inside a record head.
      { cut: lastSegmentStart + 4, kept: 90 },
      // Right after a whole segment.
      { cut: lastSegmentStart, kept: 90 },
    ];
    for (const { cut, kept } of cases) {
      await writeFile(journal, whole.subarray(0, cut));
      const { file } = await convert(journal);
      expect(file.messages.length, `cut at ${cut}`).toBe(kept);
      const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
      expect(file.messages.map((m) => hex(m.data))).toEqual(sent.slice(0, kept).map((d) => hex(d.bytes)));
      expect(file.metadata.at(-1)).toMatchObject({ datagrams: kept });
    }
  });

  it('refuses a foreign file and another layout version clearly, and writes no run file', async () => {
    const journal = join(dir, 'run.mcap.part');
    await writeFile(journal, 'time,rpm\n0,1000\n');
    await expect(convert(journal)).rejects.toMatchObject({
      code: 'UNREADABLE_JOURNAL',
      message: expect.stringMatching(/run\.mcap\.part: not a jetdrive-hub journal .*move it out of the run folder/),
    });
    await record(journal.replace('run', 'v2'), datagrams(5));
    const v2 = await readFile(journal.replace('run', 'v2'));
    v2.writeUInt32LE(2, 8);
    await writeFile(journal, v2);
    await expect(convert(journal)).rejects.toMatchObject({
      code: 'UNREADABLE_JOURNAL',
      message: expect.stringMatching(
        /journal layout version 2; this hub reads jetdrive-hub\.black-box-segments version 1 journals/,
      ),
    });
    expect((await readdir(dir)).filter((n) => n.startsWith('run.mcap') && !n.endsWith('.part'))).toEqual([]);
  });

  it('counts the datagrams of sources beyond 64 per file as drops', async () => {
    const sent = datagrams(70).map((d, i) => ({ ...d, from: { address: '127.0.0.1', port: 30000 + i } }));
    const journal = join(dir, 'run.mcap.part');
    await record(journal, sent);
    const { result, file } = await convert(journal);
    expect(file.messages.length).toBe(64);
    expect(result.droppedSources).toBe(6);
  });

  it('a journal of the earlier layout (unchunked MCAP) is still finished', async () => {
    const journal = join(dir, 'old.mcap.part');
    const handle = await NODE_RUN_FILE_SYSTEM.open(journal, 'wx');
    const writer = new McapWriter({ writable: new FileWritable(handle), ...JOURNAL_WRITER_OPTIONS });
    await writer.start({ profile: 'jetdrive', library: 'jetdrive-hub 0.0.9' });
    await writer.addMetadata(runMetadataRecord(meta()));
    const channelId = await writer.registerChannel({
      schemaId: 0,
      topic: 'jetdrive.klhdv',
      messageEncoding: 'jetdrive.klhdv',
      metadata: new Map([
        ['source_address', DYNO.address],
        ['source_port', String(DYNO.port)],
      ]),
    });
    const sent = datagrams(5);
    for (const d of sent) {
      await writer.addMessage({ channelId, sequence: 0, logTime: ns(d.at), publishTime: ns(d.at), data: d.bytes });
    }
    // What made that writer write: a flush marker record (dropped by the rewrite).
    await writer.addMetadata({ name: 'jetdrive-hub.flush', metadata: new Map() });
    await handle.close();
    const { file } = await convert(journal);
    expect(file.messages.map((m) => Buffer.from(m.data).toString('hex'))).toEqual(
      sent.map((d) => Buffer.from(d.bytes).toString('hex')),
    );
  });
});

describe('journals left behind at start', () => {
  it('a raw one is recovered with the recovered flag; a foreign one is refused, counted and left in place', async () => {
    const runs = join(dir, 'runs');
    const library = new RunLibrary({ dir: runs, fs: NODE_RUN_FILE_SYSTEM, maxTotalBytes: 2 ** 30, maxRuns: 10 });
    await library.load();
    const good = createRunId(T0);
    const foreign = createRunId(T0 + 1000);
    const sent = datagrams(40);
    await record(library.journalOf(good), sent, 16, good);
    await truncate(library.journalOf(good), (await readFile(library.journalOf(good))).byteLength - 2);
    await writeFile(library.journalOf(foreign), 'not a journal at all');
    const capture = new RunCapture(DEFAULT_RUN_OPTIONS, {
      registry: createFakeChannelRegistry(),
      resolver: { quantityOf: () => null, changes$: NEVER },
      library: new RunLibrary({ dir: runs, fs: NODE_RUN_FILE_SYSTEM, maxTotalBytes: 2 ** 30, maxRuns: 10 }),
      fs: NODE_RUN_FILE_SYSTEM,
      tap: () => () => undefined,
    });
    await capture.start();
    try {
      expect(capture.stats()).toMatchObject({ recovered: 1, journalsRefused: 1 });
      const names = await readdir(runs);
      expect(names).toContain(`${good}.mcap`);
      expect(names).not.toContain(`${good}.mcap.part`);
      expect(names).toContain(`${foreign}.mcap.part`);
      const file = await readRunFileIndependently(join(runs, `${good}.mcap`));
      expect(file.messages.length).toBe(39);
      expect(file.metadata.at(-1)).toMatchObject({ id: good, recovered: true, endReason: 'crash', datagrams: 39 });
    } finally {
      await capture.stop();
    }
  });
});
