import { randomBytes } from 'node:crypto';
import type { FileHandle } from 'node:fs/promises';
import type { RunMetadata } from '@jetdrive-hub/client/contract';
import { McapStreamReader, McapWriter, type TypedMcapRecord } from '@mcap/core';
import { SERVER_VERSION } from '../server-version.js';
import { type ChunkCompression, chunkCompressor } from './chunk-compression.js';
import { decompressHandlers } from './decompress-handlers.js';
import { FileWritable } from './file-writable.js';
import { JOURNAL_HEAD_BYTES, JOURNAL_MAGIC } from './journal-format.js';
import { createLogger } from '../log.js';
import { isJournal, readJournal } from './read-journal.js';
import {
  DATAGRAM_ENCODING,
  DATAGRAM_TOPIC,
  MAX_SOURCES_PER_FILE,
  nsToMs,
  RUN_METADATA_NAME,
  RUN_PROFILE,
  runMetadataRecord,
} from './run-file-format.js';
import type { RunFileSystem } from './run-file-system.js';
import { RunStatsAccumulator } from './run-stats.js';
import { RunsError } from './runs-error.js';

// A journal (or an uploaded file) rewritten into a finished run file: chunked, compressed, indexed, with the start
// metadata record first and the final one (summary included) last. Written to a temp name, fsynced and renamed, so
// the run file is whole or absent. `strict` (uploads): anything but a complete jetdrive run file is refused with
// INVALID_RUN_FILE; otherwise (a journal a crash cut short) reading stops at the first damaged record.

export interface RewriteFacts {
  /** The last run metadata record in the source, null when it had none. */
  source: RunMetadata | null;
  datagrams: number;
  /** Datagrams of a source beyond MAX_SOURCES_PER_FILE (counted drops). */
  droppedSources: number;
  firstLogMs: number | null;
  lastLogMs: number | null;
}

export interface RewriteOptions {
  fs: RunFileSystem;
  from: string;
  to: string;
  compression: ChunkCompression;
  strict: boolean;
  /** The metadata to store: called for the start record (facts so far) and for the final one. */
  metadata: (facts: RewriteFacts, final: boolean) => RunMetadata;
  chunkSize?: number;
}

export interface RewriteResult {
  meta: RunMetadata;
  sizeBytes: number;
  /** Datagrams of a source beyond MAX_SOURCES_PER_FILE, not in the file. */
  droppedSources: number;
}

const READ_SIZE = 64 * 1024;
const log = createLogger('runs');

function invalid(message: string): RunsError {
  return new RunsError('INVALID_RUN_FILE', `file: ${message}; upload a .mcap file recorded by jetdrive-hub`, {
    field: 'file',
  });
}

function parseRunMetadata(record: TypedMcapRecord & { type: 'Metadata' }): RunMetadata | null {
  const json = record.metadata.get('json');
  if (json === undefined) return null;
  try {
    const parsed = JSON.parse(json) as RunMetadata;
    return typeof parsed === 'object' && parsed !== null && typeof parsed.startedAt === 'number' ? parsed : null;
  } catch {
    return null;
  }
}

class Rewriter {
  readonly facts: RewriteFacts = { source: null, datagrams: 0, droppedSources: 0, firstLogMs: null, lastLogMs: null };
  readonly channelMap = new Map<number, { id: number; address: string } | null>();
  stats: RunStatsAccumulator | null = null;
  startWritten = false;
  sawHeader = false;

  constructor(
    readonly writer: McapWriter,
    readonly o: RewriteOptions,
  ) {}

  async record(r: TypedMcapRecord): Promise<void> {
    switch (r.type) {
      case 'Header':
        if (this.o.strict && r.profile !== RUN_PROFILE) throw invalid(`profile "${r.profile}" is not "${RUN_PROFILE}"`);
        this.sawHeader = true;
        return;
      case 'Metadata':
        return this.#metadata(r);
      case 'Channel':
        return this.#channel(r);
      case 'Message':
        return this.#message(r);
      default:
        return;
    }
  }

  async #metadata(r: TypedMcapRecord & { type: 'Metadata' }): Promise<void> {
    if (r.name !== RUN_METADATA_NAME) return;
    const meta = parseRunMetadata(r);
    if (meta === null) {
      if (this.o.strict) throw invalid('its run metadata record is not valid JSON');
      return;
    }
    this.facts.source = meta;
    this.stats ??= new RunStatsAccumulator(meta.channels ?? [], meta.providers ?? []);
    if (!this.startWritten) {
      this.startWritten = true;
      await this.writer.addMetadata(runMetadataRecord(this.o.metadata(this.facts, false)));
    }
  }

  async #channel(r: TypedMcapRecord & { type: 'Channel' }): Promise<void> {
    if (this.channelMap.has(r.id)) return;
    if (r.topic !== DATAGRAM_TOPIC || r.messageEncoding !== DATAGRAM_ENCODING) {
      if (this.o.strict) throw invalid(`channel "${r.topic}" (${r.messageEncoding}) is not ${DATAGRAM_TOPIC}`);
      this.channelMap.set(r.id, null);
      return;
    }
    const mapped = [...this.channelMap.values()].filter((c) => c !== null).length;
    if (mapped >= MAX_SOURCES_PER_FILE) {
      if (this.o.strict) throw invalid(`more than ${MAX_SOURCES_PER_FILE} datagram sources`);
      this.channelMap.set(r.id, null);
      return;
    }
    const id = await this.writer.registerChannel({
      schemaId: 0,
      topic: r.topic,
      messageEncoding: r.messageEncoding,
      metadata: new Map(r.metadata),
    });
    this.channelMap.set(r.id, { id, address: r.metadata.get('source_address') ?? '' });
  }

  async #message(r: TypedMcapRecord & { type: 'Message' }): Promise<void> {
    const channel = this.channelMap.get(r.channelId);
    if (channel === undefined && this.o.strict) throw invalid(`message on unknown channel ${r.channelId}`);
    if (channel === null) this.facts.droppedSources++;
    if (!channel) return;
    if (!this.startWritten) {
      if (this.o.strict) throw invalid(`no ${RUN_METADATA_NAME} metadata record before the first message`);
      this.startWritten = true;
      await this.writer.addMetadata(runMetadataRecord(this.o.metadata(this.facts, false)));
    }
    const ms = nsToMs(r.logTime);
    this.facts.firstLogMs ??= ms;
    this.facts.lastLogMs = ms;
    this.facts.datagrams++;
    this.stats ??= new RunStatsAccumulator([], []);
    this.stats.add(r.data, ms, channel.address);
    await this.writer.addMessage({ ...r, channelId: channel.id });
  }
}

async function readMcap(handle: FileHandle, reader: McapStreamReader, rw: Rewriter, strict: boolean): Promise<void> {
  const buffer = new Uint8Array(READ_SIZE);
  let position = 0;
  for (;;) {
    const { bytesRead } = await handle.read(buffer, 0, READ_SIZE, position);
    if (bytesRead === 0) break;
    position += bytesRead;
    try {
      reader.append(buffer.subarray(0, bytesRead));
      for (let r = reader.nextRecord(); r; r = reader.nextRecord()) await rw.record(r);
    } catch (error) {
      if (error instanceof RunsError) throw error;
      if (strict) throw invalid(`not a readable MCAP file (${error instanceof Error ? error.message : String(error)})`);
      return;
    }
    if (reader.done()) return;
  }
  if (strict && !reader.done()) throw invalid('it is truncated (no MCAP footer)');
}

const MCAP_MAGIC = Uint8Array.from([0x89, 0x4d, 0x43, 0x41, 0x50]); // \x89 MCAP

/**
 * A run's journal (raw, journal-format.ts) or an MCAP file: an upload, or a journal of a version before the raw one
 * (McapStreamReader). A journal cut before its first bytes reads as empty; anything else is refused clearly.
 */
async function readSource(input: FileHandle, rw: Rewriter, o: RewriteOptions): Promise<void> {
  const head = new Uint8Array(JOURNAL_HEAD_BYTES);
  const { bytesRead } = await input.read(head, 0, head.byteLength, 0);
  const cutAtCreation =
    bytesRead < JOURNAL_HEAD_BYTES && head.subarray(0, bytesRead).every((b, i) => b === JOURNAL_MAGIC[i]);
  if (!o.strict && bytesRead > 0 && cutAtCreation) return;
  if (!o.strict && isJournal(head)) {
    const damage = await readJournal(input, o.from, (r) => rw.record(r));
    if (damage) log.warn({ file: o.from, damage }, 'journal %s ends early: %s', o.from, damage);
    return;
  }
  if (!o.strict && bytesRead > 0 && !MCAP_MAGIC.every((b, i) => head[i] === b)) {
    throw new RunsError(
      'UNREADABLE_JOURNAL',
      `${o.from}: not a jetdrive-hub journal (neither its raw layout nor MCAP); move it out of the run folder`,
      { field: 'journal' },
    );
  }
  const reader = new McapStreamReader({ decompressHandlers: await decompressHandlers() });
  await readMcap(input, reader, rw, o.strict);
}

export async function rewriteRunFile(o: RewriteOptions): Promise<RewriteResult> {
  const temp = `${o.to}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  const input = await o.fs.open(o.from, 'r');
  let output: FileHandle | null = null;
  try {
    output = await o.fs.open(temp, 'wx', 0o644);
    const writable = new FileWritable(output);
    const writer = new McapWriter({
      writable,
      chunkSize: o.chunkSize ?? 1024 * 1024,
      compressChunk: await chunkCompressor(o.compression),
    });
    await writer.start({ profile: RUN_PROFILE, library: `jetdrive-hub ${SERVER_VERSION}` });
    const rw = new Rewriter(writer, o);
    await readSource(input, rw, o);
    if (o.strict && !rw.sawHeader) throw invalid('no MCAP header');
    if (o.strict && rw.facts.source === null) throw invalid(`no ${RUN_METADATA_NAME} metadata record`);
    const meta = { ...o.metadata(rw.facts, true), ...statsOf(rw) };
    await writer.addMetadata(runMetadataRecord(meta));
    await writer.end();
    await output.sync();
    await output.close();
    output = null;
    await o.fs.rename(temp, o.to);
    return { meta, sizeBytes: writable.written, droppedSources: rw.facts.droppedSources };
  } finally {
    await input.close().catch(() => undefined);
    if (output) await output.close().catch(() => undefined);
    await o.fs.unlink(temp).catch(() => undefined);
  }
}

function statsOf(rw: Rewriter): Partial<RunMetadata> {
  const r = rw.stats?.result();
  if (!r) return { stats: [], peakPower: null, peakTorque: null };
  return {
    stats: r.stats,
    peakPower: r.peakPower,
    peakTorque: r.peakTorque,
    atmosphere: r.atmosphere,
    channels: r.channels,
    providers: r.providers,
  };
}
