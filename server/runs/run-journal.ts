import type { FileHandle } from 'node:fs/promises';
import type { RunMetadata } from '@jetdrive-hub/client/contract';
import { McapWriter } from '@mcap/core';
import { SERVER_VERSION } from '../server-version.js';
import { FileWritable } from './file-writable.js';
import {
  DATAGRAM_ENCODING,
  DATAGRAM_TOPIC,
  FLUSH_MARKER_NAME,
  JOURNAL_WRITER_OPTIONS,
  MAX_SOURCES_PER_FILE,
  RUN_PROFILE,
  runMetadataRecord,
  sourceChannelMetadata,
} from './run-file-format.js';
import type { RunFileSystem } from './run-file-system.js';

// The file a run is recorded into while it lasts: an unchunked MCAP written by McapWriter, so every record is whole
// on its own and a file cut anywhere (kill -9, power loss) reads back up to its last flush. Unchunked McapWriter
// keeps messages in its own buffer until the next metadata record, so flush() adds a flush marker, which writes
// everything out: the recorder flushes every flushMs, which bounds what a crash loses. Messages are added
// synchronously (the unchunked addMessage does its work before its first await), straight from the black-box ring,
// so recording copies no datagram on the hot path. At the end the journal is rewritten into the compressed, indexed
// run file (rewrite-run-file.ts).

export interface JournalMessage {
  channelId: number;
  bytes: Uint8Array;
  logTimeNs: bigint;
  publishTimeNs: bigint;
  sequence: number;
}

export class RunJournal {
  readonly #writer: McapWriter;
  readonly #writable: FileWritable;
  readonly #handle: FileHandle;
  readonly #channels = new Map<string, number>();
  #pending: Promise<void>[] = [];
  #unflushed = 0;
  #closed = false;

  private constructor(handle: FileHandle) {
    this.#handle = handle;
    this.#writable = new FileWritable(handle);
    // The finished file gets its indexes when it is rewritten.
    this.#writer = new McapWriter({ writable: this.#writable, ...JOURNAL_WRITER_OPTIONS });
  }

  /** Creates the journal (never replacing a file) and writes the header and the start metadata to disk. */
  static async create(fs: RunFileSystem, file: string, meta: RunMetadata): Promise<RunJournal> {
    const handle = await fs.open(file, 'wx', 0o644);
    const journal = new RunJournal(handle);
    try {
      await journal.#writer.start({ profile: RUN_PROFILE, library: `jetdrive-hub ${SERVER_VERSION}` });
      await journal.#writer.addMetadata(runMetadataRecord(meta));
    } catch (error) {
      await handle.close().catch(() => undefined);
      throw error;
    }
    return journal;
  }

  /** Bytes on disk so far. */
  get bytesWritten(): number {
    return this.#writable.written;
  }

  /** The MCAP channel of a datagram source: undefined until registered, null beyond MAX_SOURCES_PER_FILE. */
  channelOf(address: string, port: number): number | null | undefined {
    const id = this.#channels.get(`${address}:${port}`);
    if (id !== undefined) return id;
    return this.#channels.size >= MAX_SOURCES_PER_FILE ? null : undefined;
  }

  async register(address: string, port: number): Promise<void> {
    const key = `${address}:${port}`;
    if (this.#channels.has(key) || this.#channels.size >= MAX_SOURCES_PER_FILE) return;
    const id = await this.#writer.registerChannel({
      schemaId: 0,
      topic: DATAGRAM_TOPIC,
      messageEncoding: DATAGRAM_ENCODING,
      metadata: sourceChannelMetadata(address, port),
    });
    this.#channels.set(key, id);
  }

  /** Adds a message now (its bytes are copied into the writer before this returns); flush() settles it. */
  add(m: JournalMessage): void {
    this.#pending.push(
      this.#writer.addMessage({
        channelId: m.channelId,
        sequence: m.sequence,
        logTime: m.logTimeNs,
        publishTime: m.publishTimeNs,
        data: m.bytes,
      }),
    );
    this.#unflushed++;
  }

  async addMetadata(meta: RunMetadata): Promise<void> {
    await this.#settle();
    await this.#writer.addMetadata(runMetadataRecord(meta));
  }

  async flush(): Promise<void> {
    await this.#settle();
    if (this.#unflushed === 0) return;
    this.#unflushed = 0;
    await this.#writer.addMetadata({ name: FLUSH_MARKER_NAME, metadata: new Map() });
  }

  async #settle(): Promise<void> {
    const pending = this.#pending;
    this.#pending = [];
    await Promise.all(pending);
  }

  /** Flushes (unless abandoning after a write error) and closes the file; the journal stays for finalisation. */
  async close(flush = true): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    try {
      if (flush) {
        await this.flush();
        await this.#handle.sync();
      }
    } finally {
      await this.#handle.close();
    }
  }
}
