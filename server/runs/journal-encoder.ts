import type { RunMetadata } from '@jetdrive-hub/client/contract';
import { McapRecordBuilder } from '@mcap/core';
import { SERVER_VERSION } from '../server-version.js';
import type { DatagramSource } from '../transport/types.js';
import type { RingBatch } from './black-box-ring.js';
import { type ClockOffset, hostOf, publishTimeNs, sequenceOf } from './datagram-facts.js';
import {
  DATAGRAM_ENCODING,
  DATAGRAM_TOPIC,
  MAX_SOURCES_PER_FILE,
  msToNs,
  RUN_PROFILE,
  runMetadataRecord,
  sourceChannelMetadata,
} from './run-file-format.js';

// The journal's MCAP encoding, without the file: @mcap/core's McapRecordBuilder writes the records (unchunked, so
// every record is whole on its own and a file cut anywhere reads back up to its last flush) into memory, and each
// flush returns the bytes to append to the journal file. McapWriter is not used here: for a journal it adds a promise
// per message, a data-section CRC over every byte (a journal has no DataEnd to carry it) and flush-marker records to
// make it write; the record builder is the same encoding without them. It runs in the journal's worker thread
// (journal-worker.ts) or in the recorder's; the file stays with the recorder's RunFileSystem.

/** One batch of datagrams for the journal, with what the encoder needs to describe them. */
export interface JournalAppend {
  batch: RingBatch;
  /** The ring's sources, when they changed since the journal's last append (indexes never change). */
  sources: readonly DatagramSource[] | null;
  /** Provider clock offsets by host id at the time of the batch (for publish_time). */
  clocks: ReadonlyArray<readonly [number, ClockOffset]>;
  /** Return everything encoded so far to be written: what a kill -9 can lose ends here. */
  flush: boolean;
}

/** What one step produced: bytes to append to the file, and what it could not record. */
export interface JournalOutput {
  chunks: Uint8Array[];
  messages: number;
  /** Datagrams of a source beyond MAX_SOURCES_PER_FILE (counted drops). */
  droppedSources: number;
}

export class JournalEncoder {
  readonly #records = new McapRecordBuilder();
  /** MCAP channel id by the ring's source index; null beyond MAX_SOURCES_PER_FILE. */
  readonly #channels: (number | null)[] = [];
  #sources: readonly DatagramSource[] = [];
  #registered = 0;

  /**
   * The journal's first bytes: the header and the start metadata, encoded where they are asked for (the recorder's
   * thread, so the journal is on disk at once, whether or not the worker is up yet); the encoder's records follow.
   */
  static head(meta: RunMetadata): Uint8Array {
    const records = new McapRecordBuilder();
    records.writeMagic();
    records.writeHeader({ profile: RUN_PROFILE, library: `jetdrive-hub ${SERVER_VERSION}` });
    records.writeMetadata(runMetadataRecord(meta));
    return records.buffer;
  }

  append(a: JournalAppend): JournalOutput {
    if (a.sources) this.#sources = a.sources;
    const { bytes, lengths, times, sources } = a.batch;
    const clocks = a.clocks.length === 0 ? null : new Map(a.clocks);
    let messages = 0;
    let dropped = 0;
    let offset = 0;
    for (let i = 0; i < lengths.length; i++) {
      const data = bytes.subarray(offset, offset + lengths[i]);
      offset += lengths[i];
      const channelId = this.#channels[sources[i]] ?? this.#register(sources[i]);
      if (channelId === null) {
        dropped++;
        continue;
      }
      const logTime = msToNs(times[i]);
      const host = clocks === null ? null : hostOf(data);
      const clock = host === null ? undefined : clocks?.get(host);
      const publishTime = clock ? publishTimeNs(data, logTime, clock) : logTime;
      this.#records.writeMessage({ channelId, sequence: sequenceOf(data), logTime, publishTime, data });
      messages++;
    }
    return this.#output(a.flush, messages, dropped);
  }

  metadata(meta: RunMetadata): JournalOutput {
    this.#records.writeMetadata(runMetadataRecord(meta));
    return this.#output(true, 0, 0);
  }

  flush(): JournalOutput {
    return this.#output(true, 0, 0);
  }

  /** A source's channel record, written before its first message (null: one source too many). */
  #register(index: number): number | null {
    const source = this.#sources[index];
    if (this.#channels[index] === null || !source || this.#registered >= MAX_SOURCES_PER_FILE) {
      this.#channels[index] = null;
      return null;
    }
    const id = this.#registered++;
    this.#records.writeChannel({
      id,
      schemaId: 0,
      topic: DATAGRAM_TOPIC,
      messageEncoding: DATAGRAM_ENCODING,
      metadata: sourceChannelMetadata(source.address, source.port),
    });
    this.#channels[index] = id;
    return id;
  }

  #output(flush: boolean, messages: number, droppedSources: number): JournalOutput {
    if (!flush || this.#records.length === 0) return { chunks: [], messages, droppedSources };
    // `buffer` is a copy (its own ArrayBuffer: it can move to another thread); the builder's memory is reused.
    const chunk = this.#records.buffer;
    this.#records.reset();
    return { chunks: [chunk], messages, droppedSources };
  }
}
