import { Worker } from 'node:worker_threads';
import { McapStreamReader, type TypedMcapRecord } from '@mcap/core';
import { afterEach, describe, expect, it } from 'vitest';
import { buildChannelValuesFrames } from '../../../server/protocol/index.js';
import { BlackBoxRing } from '../../../server/runs/black-box-ring.js';
import { JournalEncoder, type JournalOutput } from '../../../server/runs/journal-encoder.js';
import type { JournalRequest } from '../../../server/runs/journal-requests.js';
import {
  JournalThread,
  type JournalPort,
  LocalJournalPort,
  startJournalWorker,
} from '../../../server/runs/journal-thread.js';
import { startMetadata } from '../../../server/runs/start-metadata.js';

// The journal's encoder in its worker thread: the same bytes as in this thread, requests answered in order, a lost
// worker fails what it had and is replaced, and the queue is bounded.

const META = startMetadata({
  id: '20260101T000000Z-0a1b2c',
  name: 'unit',
  startedAt: 1_767_225_600_000,
  reason: 'manual',
});
const HOST = 0x43fd;
const CLOCK = { offsetMs: 1_767_225_600_000, latencyMs: 2 };

let ports: JournalPort[] = [];
afterEach(async () => {
  for (const p of ports) await p.close();
  ports = [];
});

/** 300 ChannelValues datagrams from two sources in a ring, copied out in two batches. */
function twoBatches() {
  const ring = new BlackBoxRing({ maxAgeMs: 60_000, capacityBytes: 1 << 20 });
  for (let i = 0; i < 300; i++) {
    const samples = [{ channelId: 1 + (i % 3), ts: 1000 + i * 20, value: i }];
    const [bytes] = buildChannelValuesFrames({ host: HOST, seqStart: i & 0xff, samples });
    ring.push(bytes, { address: '127.0.0.1', port: 22344 + (i % 2) }, META.startedAt + i * 20);
  }
  const a = ring.copyRange(0, 150, Number.MAX_SAFE_INTEGER).batch;
  const b = ring.copyRange(150, 300, Number.MAX_SAFE_INTEGER).batch;
  if (!a || !b) throw new Error('expected batches');
  return { ring, a, b };
}

async function journalOf(port: JournalPort): Promise<Uint8Array> {
  const { ring, a, b } = twoBatches();
  const key = '/tmp/unit.mcap.part';
  const steps: JournalRequest[] = [
    { op: 'open', key },
    { op: 'append', key, append: { batch: a, sources: ring.sources(), clocks: [[HOST, CLOCK]], flush: false } },
    { op: 'append', key, append: { batch: b, sources: null, clocks: [[HOST, CLOCK]], flush: true } },
    { op: 'metadata', key, meta: { ...META, notes: 'end' } },
    { op: 'close', key, flush: true },
  ];
  const outputs: JournalOutput[] = await Promise.all(steps.map((s) => port.request(s)));
  expect(outputs.map((o) => o.messages)).toEqual([0, 150, 150, 0, 0]);
  return Buffer.concat([JournalEncoder.head(META), ...outputs.flatMap((o) => o.chunks)]);
}

function records(bytes: Uint8Array): TypedMcapRecord[] {
  const reader = new McapStreamReader({ validateCrcs: true });
  reader.append(bytes);
  const out: TypedMcapRecord[] = [];
  for (let r = reader.nextRecord(); r; r = reader.nextRecord()) out.push(r);
  return out;
}

describe('JournalThread', () => {
  it('encodes in its worker exactly what this thread would, and the journal reads back whole', async () => {
    const worker = new JournalThread();
    const local = new LocalJournalPort();
    ports.push(worker, local);
    const fromWorker = await journalOf(worker);
    expect(Buffer.from(fromWorker).equals(Buffer.from(await journalOf(local)))).toBe(true);

    const all = records(fromWorker);
    const messages = all.flatMap((r) => (r.type === 'Message' ? [r] : []));
    const { ring } = twoBatches();
    const expected: Uint8Array[] = [];
    ring.forEachSince(0, (bytes) => expected.push(bytes.slice()));
    expect(messages.map((m) => Buffer.from(m.data).toString('hex'))).toEqual(
      expected.map((d) => Buffer.from(d).toString('hex')),
    );
    expect(messages.map((m) => m.sequence)).toEqual(expected.map((d) => d[5]));
    expect(messages[3].logTime).toBe(BigInt(META.startedAt + 3 * 20) * 1_000_000n);
    // publish_time: the provider's timestamp (1000 + i·20 ms) on the hub's clock.
    expect(messages[3].publishTime).toBe(BigInt(1060 + CLOCK.offsetMs - CLOCK.latencyMs) * 1_000_000n);
    const channels = all.flatMap((r) => (r.type === 'Channel' ? [r] : []));
    expect(channels.map((c) => c.metadata.get('source_port'))).toEqual(['22344', '22345']);
    const names = all.flatMap((r) => (r.type === 'Metadata' ? [r.name] : []));
    expect(names).toEqual(['jetdrive-hub.run', 'jetdrive-hub.run']);
    expect(worker.stats()).toMatchObject({ thread: 'worker', pending: 0, refused: 0, workerFailures: 0 });
  });

  it('counts the datagrams of a 65th source as dropped', async () => {
    const port = new LocalJournalPort();
    const ring = new BlackBoxRing({ maxAgeMs: 60_000, capacityBytes: 1 << 20 });
    for (let p = 0; p < 66; p++) ring.push(new Uint8Array(20).fill(p), { address: '127.0.0.1', port: 1000 + p }, p);
    const batch = ring.copyRange(0, ring.nextSeq, Number.MAX_SAFE_INTEGER).batch;
    if (!batch) throw new Error('expected a batch');
    await port.request({ op: 'open', key: 'k' });
    const out = await port.request({
      op: 'append',
      key: 'k',
      append: { batch, sources: ring.sources(), clocks: [], flush: true },
    });
    expect(out).toMatchObject({ messages: 64, droppedSources: 2 });
  });

  it('a worker that dies fails what it had with JOURNAL_WORKER_FAILED; the next request gets a new worker', async () => {
    let starts = 0;
    const thread = new JournalThread(() => {
      starts++;
      return starts === 1 ? new Worker('process.exit(3)', { eval: true }) : startJournalWorker();
    });
    ports.push(thread);
    await expect(thread.request({ op: 'open', key: 'k' })).rejects.toMatchObject({
      code: 'JOURNAL_WORKER_FAILED',
      message: expect.stringContaining('exited (code 3)'),
    });
    expect(thread.stats().workerFailures).toBe(1);
    // The encoder went with the worker: its journal is gone, a new one starts.
    await thread.request({ op: 'open', key: 'k' });
    expect(await thread.request({ op: 'flush', key: 'k' })).toEqual({ chunks: [], messages: 0, droppedSources: 0 });
    expect(starts).toBe(2);
  });

  it('holds at most 16 requests: the 17th is refused and counted; close() fails those waiting', async () => {
    const thread = new JournalThread(
      () => new Worker("require('node:worker_threads').parentPort.on('message', () => {})", { eval: true }),
    );
    ports.push(thread);
    const waiting = Array.from({ length: 16 }, () => thread.request({ op: 'flush', key: 'k' }).catch((e) => e));
    await expect(thread.request({ op: 'flush', key: 'k' })).rejects.toMatchObject({ code: 'JOURNAL_QUEUE_FULL' });
    expect(thread.stats()).toMatchObject({ pending: 16, refused: 1 });
    await thread.close();
    for (const e of await Promise.all(waiting)) expect(e).toMatchObject({ code: 'JOURNAL_WORKER_FAILED' });
  });
});
