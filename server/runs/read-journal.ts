import type { FileHandle } from 'node:fs/promises';
import { endianness } from 'node:os';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import type { TypedMcapRecord } from '@mcap/core';
import { type ClockOffset, hostOf, publishTimeNs, sequenceOf } from './datagram-facts.js';
import {
  JOURNAL_HEAD_BYTES,
  JOURNAL_LAYOUT,
  JOURNAL_MAGIC,
  JOURNAL_VERSION,
  type JournalHeader,
  MAX_RECORD_BYTES,
  RECORD_HEAD_BYTES,
  RECORD_KIND,
  SEGMENT_HEAD_BYTES,
  segmentOffsets,
} from './journal-format.js';
import {
  DATAGRAM_ENCODING,
  DATAGRAM_TOPIC,
  msToNs,
  RUN_METADATA_NAME,
  RUN_PROFILE,
  sourceChannelMetadata,
} from './run-file-format.js';
import { RunsError } from './runs-error.js';

// The raw journal (journal-format.ts) read back as the MCAP records it stands for: a Header, the start Metadata, a
// Channel per datagram source and a Message per datagram (log_time, publish_time and sequence worked out here, as
// the recorder once did per datagram), for the rewrite into the run file. A long journal is read in turns that give
// the event loop back every YIELD_MS, so live streaming does not stall while a run is converted. A record cut short
// ends the journal there (a crash); a segment cut short still gives its whole datagrams.

type Visit = (record: TypedMcapRecord) => Promise<void>;

const YIELD_MS = 4;
const decoder = new TextDecoder();

/** Whether `head` (the file's first bytes) is a raw journal's. */
export function isJournal(head: Uint8Array): boolean {
  return head.byteLength >= JOURNAL_MAGIC.byteLength && JOURNAL_MAGIC.every((b, i) => head[i] === b);
}

function refuse(file: string, why: string): RunsError {
  return new RunsError(
    'UNREADABLE_JOURNAL',
    `${file}: ${why}; this hub reads ${JOURNAL_LAYOUT} version ${JOURNAL_VERSION} journals — move the file out of the run folder (a hub of the version that wrote it can finish it)`,
    { field: 'journal' },
  );
}

async function readExactly(handle: FileHandle, into: Uint8Array, position: number): Promise<number> {
  let got = 0;
  while (got < into.byteLength) {
    const { bytesRead } = await handle.read(into, got, into.byteLength - got, position + got);
    if (bytesRead === 0) break;
    got += bytesRead;
  }
  return got;
}

/** Checks the versioned file header; returns where the records start. */
async function readHeader(handle: FileHandle, file: string): Promise<{ at: number; header: JournalHeader }> {
  const head = new Uint8Array(JOURNAL_HEAD_BYTES);
  if ((await readExactly(handle, head, 0)) < JOURNAL_HEAD_BYTES || !isJournal(head))
    throw refuse(file, 'not a jetdrive-hub journal (no journal magic)');
  const view = new DataView(head.buffer);
  const version = view.getUint32(8, true);
  if (version !== JOURNAL_VERSION) throw refuse(file, `journal layout version ${version}`);
  const length = view.getUint32(12, true);
  const json = new Uint8Array(Math.min(length, 64 * 1024));
  if (length > json.byteLength || (await readExactly(handle, json, JOURNAL_HEAD_BYTES)) < length)
    throw refuse(file, `a journal header of ${length} bytes`);
  let header: JournalHeader;
  try {
    header = JSON.parse(decoder.decode(json)) as JournalHeader;
  } catch {
    throw refuse(file, 'its journal header is not JSON');
  }
  if (header.layout !== JOURNAL_LAYOUT) throw refuse(file, `layout "${String(header.layout)}"`);
  if (header.endianness !== endianness())
    throw refuse(file, `written on a ${header.endianness} machine, read on a ${endianness()} one`);
  return { at: JOURNAL_HEAD_BYTES + length, header };
}

class JournalRecords {
  readonly #visit: Visit;
  readonly #clocks = new Map<number, ClockOffset>();
  #channels = 0;
  #lastYield = performance.now();

  constructor(visit: Visit) {
    this.#visit = visit;
  }

  async json(kind: number, body: Uint8Array): Promise<boolean> {
    const text = decoder.decode(body);
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      return false;
    }
    if (kind === RECORD_KIND.metadata) {
      await this.#visit({ type: 'Metadata', name: RUN_METADATA_NAME, metadata: new Map([['json', text]]) });
    } else if (kind === RECORD_KIND.sources) {
      if (!Array.isArray(value)) return false;
      await this.#sources(value as { address?: unknown; port?: unknown }[]);
    } else if (Array.isArray(value)) {
      for (const [host, clock] of value as [number, ClockOffset][]) this.#clocks.set(host, clock);
    }
    return true;
  }

  async #sources(sources: { address?: unknown; port?: unknown }[]): Promise<void> {
    for (; this.#channels < sources.length; this.#channels++) {
      const s = sources[this.#channels];
      await this.#visit({
        type: 'Channel',
        id: this.#channels,
        schemaId: 0,
        topic: DATAGRAM_TOPIC,
        messageEncoding: DATAGRAM_ENCODING,
        metadata: sourceChannelMetadata(String(s?.address ?? ''), Number(s?.port ?? 0)),
      });
    }
  }

  /** A segment's datagrams (`got` of its body's bytes were read: a segment cut short gives its whole ones). */
  async segment(body: Uint8Array, got: number): Promise<void> {
    if (got < SEGMENT_HEAD_BYTES) return;
    const view = new DataView(body.buffer, body.byteOffset, got);
    const n = view.getUint32(0, true);
    // Offsets from the record's start; the body follows the record head.
    const at = segmentOffsets(n);
    const base = -RECORD_HEAD_BYTES;
    if (got < base + at.bytes) return;
    let offset = base + at.bytes;
    for (let i = 0; i < n; i++) {
      const len = view.getUint32(base + at.lengths + 4 * i, true);
      if (offset + len > got) return;
      const data = body.subarray(offset, offset + len);
      offset += len;
      const logTime = msToNs(view.getFloat64(base + at.times + 8 * i, true));
      const host = this.#clocks.size === 0 ? null : hostOf(data);
      const clock = host === null ? undefined : this.#clocks.get(host);
      const publishTime = clock ? publishTimeNs(data, logTime, clock) : logTime;
      const channelId = body[base + at.sources + i];
      await this.#visit({ type: 'Message', channelId, sequence: sequenceOf(data), logTime, publishTime, data });
      if ((i & 63) === 63 && performance.now() - this.#lastYield >= YIELD_MS) await this.pause();
    }
  }

  async pause(): Promise<void> {
    await yieldToLoop();
    this.#lastYield = performance.now();
  }
}

/**
 * Reads a raw journal into `visit` as MCAP records. Throws UNREADABLE_JOURNAL for a file that is not one (or of a
 * layout or version this hub does not read); returns what ended it early, null when it ended cleanly.
 */
export async function readJournal(handle: FileHandle, file: string, visit: Visit): Promise<string | null> {
  let { at, header } = await readHeader(handle, file);
  await visit({ type: 'Header', profile: RUN_PROFILE, library: header.library });
  const records = new JournalRecords(visit);
  const head = new Uint8Array(RECORD_HEAD_BYTES);
  let body = new Uint8Array(64 * 1024);
  for (;;) {
    const got = await readExactly(handle, head, at);
    if (got === 0) return null;
    if (got < RECORD_HEAD_BYTES) return 'a record head cut short';
    const kind = head[0];
    const length = new DataView(head.buffer).getUint32(4, true);
    if (kind < RECORD_KIND.metadata || kind > RECORD_KIND.segment || length > MAX_RECORD_BYTES)
      return `a damaged record at byte ${at}`;
    if (body.byteLength < length) body = new Uint8Array(length);
    const view = body.subarray(0, length);
    const read = await readExactly(handle, view, at + RECORD_HEAD_BYTES);
    if (kind === RECORD_KIND.segment) await records.segment(view, read);
    else if (read === length && !(await records.json(kind, view))) return `a damaged record at byte ${at}`;
    if (read < length) return 'a record cut short';
    at += RECORD_HEAD_BYTES + length;
  }
}
