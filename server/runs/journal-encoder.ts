import type { RunMetadata } from '@jetdrive-hub/client/contract';
import { type IWritable, McapWriter } from '@mcap/core';
import { SERVER_VERSION } from '../server-version.js';
import type { DatagramSource } from '../transport/types.js';
import type { RingBatch } from './black-box-ring.js';
import { type ClockOffset, hostOf, publishTimeNs, sequenceOf } from './datagram-facts.js';
import {
  DATAGRAM_ENCODING,
  DATAGRAM_TOPIC,
  FLUSH_MARKER_NAME,
  JOURNAL_WRITER_OPTIONS,
  MAX_SOURCES_PER_FILE,
  msToNs,
  RUN_PROFILE,
  runMetadataRecord,
  sourceChannelMetadata,
} from './run-file-format.js';

// The journal's MCAP encoding, without the file: McapWriter (unchunked, so every record is whole on its own and a
// file cut anywhere reads back up to its last flush) writes into memory, and each step returns the bytes to append
// to the journal file. It runs in the journal's worker thread (journal-worker.ts), so McapWriter's per-message work
// and the CRC over each flush stay off the event loop; the file stays with the main thread's RunFileSystem.

/** One batch of datagrams for the journal, with what the encoder needs to describe them. */
export interface JournalAppend {
  batch: RingBatch;
  /** The ring's sources, when they changed since the journal's last append (indexes never change). */
  sources: readonly DatagramSource[] | null;
  /** Provider clock offsets by host id at the time of the batch (for publish_time). */
  clocks: ReadonlyArray<readonly [number, ClockOffset]>;
  /** Push everything written so far to the file (a flush marker): what a kill -9 can lose ends here. */
  flush: boolean;
}

/** What one step produced: bytes to append to the file, and what it could not record. */
export interface JournalOutput {
  chunks: Uint8Array[];
  messages: number;
  /** Datagrams of a source beyond MAX_SOURCES_PER_FILE (counted drops). */
  droppedSources: number;
}

/** Collects what McapWriter writes (copied: it reuses its buffer once write() resolves). */
class MemoryWritable implements IWritable {
  #position = 0n;
  #chunks: Uint8Array[] = [];

  async write(buffer: Uint8Array): Promise<void> {
    if (buffer.byteLength === 0) return;
    this.#chunks.push(buffer.slice());
    this.#position += BigInt(buffer.byteLength);
  }

  position(): bigint {
    return this.#position;
  }

  take(): Uint8Array[] {
    const chunks = this.#chunks;
    this.#chunks = [];
    return chunks;
  }
}

export class JournalEncoder {
  readonly #out = new MemoryWritable();
  // The finished file gets its indexes when it is rewritten.
  readonly #writer = new McapWriter({ writable: this.#out, ...JOURNAL_WRITER_OPTIONS });
  /** MCAP channel id by the ring's source index; null beyond MAX_SOURCES_PER_FILE. */
  readonly #channels: (number | null)[] = [];
  #sources: readonly DatagramSource[] = [];
  #registered = 0;
  #unflushed = 0;

  /**
   * The journal's first bytes: the header and the start metadata, encoded where they are asked for (the recorder's
   * thread, so the journal is on disk at once, whether or not the worker is up yet). The encoder then writes the
   * records after them; its McapWriter is never start()ed, so it keeps no data-section CRC, which a journal never
   * carries (it has no DataEnd record; the rewrite computes the finished file's).
   */
  static async head(meta: RunMetadata): Promise<Uint8Array> {
    const out = new MemoryWritable();
    const writer = new McapWriter({ writable: out, ...JOURNAL_WRITER_OPTIONS });
    await writer.start({ profile: RUN_PROFILE, library: `jetdrive-hub ${SERVER_VERSION}` });
    await writer.addMetadata(runMetadataRecord(meta));
    return Buffer.concat(out.take());
  }

  async append(a: JournalAppend): Promise<JournalOutput> {
    if (a.sources) this.#sources = a.sources;
    const { bytes, lengths, times, sources } = a.batch;
    const clocks = new Map(a.clocks);
    let messages = 0;
    let dropped = 0;
    let offset = 0;
    const pending: Promise<void>[] = [];
    for (let i = 0; i < lengths.length; i++) {
      const data = bytes.subarray(offset, offset + lengths[i]);
      offset += lengths[i];
      const channelId = this.#channels[sources[i]] ?? (await this.#register(sources[i]));
      if (channelId === null) {
        dropped++;
        continue;
      }
      const logTime = msToNs(times[i]);
      const host = hostOf(data);
      // Unchunked addMessage does its work before it returns: awaited all together below.
      pending.push(
        this.#writer.addMessage({
          channelId,
          sequence: sequenceOf(data),
          logTime,
          publishTime: publishTimeNs(data, logTime, host === null ? undefined : clocks.get(host)),
          data,
        }),
      );
      messages++;
    }
    await Promise.all(pending);
    this.#unflushed += messages;
    if (a.flush) await this.#marker();
    return this.#output(messages, dropped);
  }

  async metadata(meta: RunMetadata): Promise<JournalOutput> {
    await this.#writer.addMetadata(runMetadataRecord(meta));
    return this.#output(0, 0);
  }

  /** A flush marker makes McapWriter write out the messages it holds. */
  async flush(): Promise<JournalOutput> {
    await this.#marker();
    return this.#output(0, 0);
  }

  async #marker(): Promise<void> {
    if (this.#unflushed === 0) return;
    this.#unflushed = 0;
    await this.#writer.addMetadata({ name: FLUSH_MARKER_NAME, metadata: new Map() });
  }

  async #register(index: number): Promise<number | null> {
    if (this.#channels[index] === null) return null;
    const source = this.#sources[index];
    if (!source || this.#registered >= MAX_SOURCES_PER_FILE) {
      this.#channels[index] = null;
      return null;
    }
    const id = await this.#writer.registerChannel({
      schemaId: 0,
      topic: DATAGRAM_TOPIC,
      messageEncoding: DATAGRAM_ENCODING,
      metadata: sourceChannelMetadata(source.address, source.port),
    });
    this.#registered++;
    this.#channels[index] = id;
    return id;
  }

  #output(messages: number, droppedSources: number): JournalOutput {
    return { chunks: this.#out.take(), messages, droppedSources };
  }
}
