import type { FileHandle } from 'node:fs/promises';
import type { RunMetadata } from '@jetdrive-hub/client/contract';
import { McapWriter } from '@mcap/core';
import { SERVER_VERSION } from '../server-version.js';
import { BufferedWritable } from './buffered-writable.js';
import {
  DATAGRAM_ENCODING,
  DATAGRAM_TOPIC,
  FLUSH_MARKER_NAME,
  MAX_SOURCES_PER_FILE,
  RUN_PROFILE,
  runMetadataRecord,
  sourceChannelMetadata,
} from './run-file-format.js';
import type { RunFileSystem } from './run-file-system.js';

// The file a run is recorded into while it lasts: an unchunked MCAP written by McapWriter, so every record is whole
// on its own and a file cut anywhere (kill -9, power loss) reads back up to its last flush. Unchunked McapWriter
// keeps messages in memory until the next metadata record, so flush() adds a flush marker and writes everything out:
// the recorder calls it every flushMs, which bounds what a crash loses. At the end the journal is rewritten into
// the compressed, indexed run file (finalize-run-file.ts).

export interface JournalDatagram {
  bytes: Uint8Array;
  address: string;
  port: number;
  logTimeNs: bigint;
  publishTimeNs: bigint;
  sequence: number;
}

export class RunJournal {
  readonly #writer: McapWriter;
  readonly #writable: BufferedWritable;
  readonly #handle: FileHandle;
  readonly #channels = new Map<string, number>();
  #unflushed = 0;
  #closed = false;

  private constructor(handle: FileHandle) {
    this.#handle = handle;
    this.#writable = new BufferedWritable(handle);
    this.#writer = new McapWriter({
      writable: this.#writable,
      useChunks: false,
      useStatistics: false,
      // Indexes would grow with every flush marker; the finished file gets its indexes when it is rewritten.
      useMetadataIndex: false,
      useAttachmentIndex: false,
      useChunkIndex: false,
      useSummaryOffsets: false,
    });
  }

  /** Creates the journal (never replacing a file) and writes the header and the start metadata to disk. */
  static async create(fs: RunFileSystem, file: string, meta: RunMetadata): Promise<RunJournal> {
    const handle = await fs.open(file, 'wx', 0o644);
    const journal = new RunJournal(handle);
    try {
      await journal.#writer.start({ profile: RUN_PROFILE, library: `jetdrive-hub ${SERVER_VERSION}` });
      await journal.#writer.addMetadata(runMetadataRecord(meta));
      await journal.#writable.flush();
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

  /** False when the datagram's source would be the 65th of the file (the caller counts the drop). */
  async add(d: JournalDatagram): Promise<boolean> {
    const key = `${d.address}:${d.port}`;
    let channelId = this.#channels.get(key);
    if (channelId === undefined) {
      if (this.#channels.size >= MAX_SOURCES_PER_FILE) return false;
      channelId = await this.#writer.registerChannel({
        schemaId: 0,
        topic: DATAGRAM_TOPIC,
        messageEncoding: DATAGRAM_ENCODING,
        metadata: sourceChannelMetadata(d.address, d.port),
      });
      this.#channels.set(key, channelId);
    }
    await this.#writer.addMessage({
      channelId,
      sequence: d.sequence,
      logTime: d.logTimeNs,
      publishTime: d.publishTimeNs,
      data: d.bytes,
    });
    this.#unflushed++;
    return true;
  }

  async addMetadata(meta: RunMetadata): Promise<void> {
    await this.#writer.addMetadata(runMetadataRecord(meta));
    this.#unflushed++;
  }

  async flush(): Promise<void> {
    if (this.#unflushed > 0) {
      await this.#writer.addMetadata({ name: FLUSH_MARKER_NAME, metadata: new Map() });
      this.#unflushed = 0;
    }
    await this.#writable.flush();
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
