import { open, stat } from 'node:fs/promises';
import { McapIndexedReader, McapStreamReader, type McapTypes } from '@mcap/core';
import { FileHandleReadable } from '@mcap/nodejs';
import { createLogger } from '../log.js';
import type { DatagramSource } from '../transport/types.js';
import { DECOMPRESS_HANDLERS, decompressorsReady } from './decompress-handlers.js';
import { ReplayError } from './replay-error.js';

const log = createLogger('replay');

// Run files (server/protocol/README.md, "Run files (MCAP)"): profile `jetdrive`, one `jetdrive.klhdv` channel per
// datagram source (its address in the channel metadata), one message per datagram, the run's JSON metadata in
// `jetdrive-hub.run` metadata records (the last one wins).
export const RUN_PROFILE = 'jetdrive';
export const DATAGRAM_TOPIC = 'jetdrive.klhdv';
export const RUN_METADATA_NAME = 'jetdrive-hub.run';

/** One recorded datagram: when it arrived (ms after the run's first datagram), its bytes and its sender. */
export interface RunDatagram {
  t: number;
  bytes: Uint8Array;
  from: DatagramSource;
}

export interface LoadedRun {
  /** The run's name from its last metadata record, or null. */
  name: string | null;
  /** The last metadata record's JSON, parsed (null when absent or not JSON). */
  metadata: Record<string, unknown> | null;
  /** The first datagram's log time, ns since the epoch: position 0. */
  startNs: bigint;
  durationMs: number;
  /** In log-time order. */
  datagrams: RunDatagram[];
  /** False when the file had no usable index (a recovered or unfinished file read front to back). */
  indexed: boolean;
  /** Messages on other topics, or of channels with no usable source, skipped. */
  skipped: number;
}

interface Collected {
  header: McapTypes.Header | null;
  channels: Map<number, McapTypes.Channel>;
  messages: McapTypes.Message[];
  metadata: McapTypes.Metadata | null;
}

function sourceOf(channel: McapTypes.Channel): DatagramSource {
  const port = Number(channel.metadata.get('source_port'));
  return {
    address: channel.metadata.get('source_address') ?? '0.0.0.0',
    port: Number.isInteger(port) && port >= 0 && port <= 65_535 ? port : 0,
  };
}

async function readIndexed(path: string, budget: ByteBudget): Promise<Collected | null> {
  const handle = await open(path, 'r');
  try {
    let reader: McapIndexedReader;
    try {
      reader = await McapIndexedReader.Initialize({
        readable: new FileHandleReadable(handle),
        decompressHandlers: DECOMPRESS_HANDLERS,
      });
    } catch (err) {
      log.info(
        { file: path, err: err instanceof Error ? err.message : String(err) },
        'no usable index: reading it front to back',
      );
      return null;
    }
    const messages: McapTypes.Message[] = [];
    for await (const m of reader.readMessages()) {
      budget.take(m.data.byteLength);
      messages.push(m);
    }
    let metadata: McapTypes.Metadata | null = null;
    for await (const m of reader.readMetadata({ name: RUN_METADATA_NAME })) metadata = m;
    return { header: reader.header, channels: new Map(reader.channelsById), messages, metadata };
  } finally {
    await handle.close();
  }
}

/** A recovered or unfinished file: every complete record up to where it ends (a cut tail is not an error). */
async function readStream(path: string, budget: ByteBudget): Promise<Collected> {
  const handle = await open(path, 'r');
  const out: Collected = { header: null, channels: new Map(), messages: [], metadata: null };
  const reader = new McapStreamReader({ decompressHandlers: DECOMPRESS_HANDLERS });
  try {
    for await (const chunk of handle.createReadStream({ highWaterMark: 1 << 20 })) {
      reader.append(chunk as Uint8Array);
      for (let r = reader.nextRecord(); r; r = reader.nextRecord()) {
        if (r.type === 'Header') out.header = r;
        else if (r.type === 'Channel') out.channels.set(r.id, r);
        else if (r.type === 'Message') {
          budget.take(r.data.byteLength);
          out.messages.push(r);
        } else if (r.type === 'Metadata' && r.name === RUN_METADATA_NAME) out.metadata = r;
      }
    }
  } catch (err) {
    if (err instanceof ReplayError) throw err;
    // A corrupt record (a crash mid-write): keep what came before it.
    if (out.messages.length === 0) throw invalid(path, err);
    log.warn(
      { file: path, err: err instanceof Error ? err.message : String(err) },
      'run file damaged: replaying what precedes the damage',
    );
  } finally {
    await handle.close();
  }
  out.messages.sort((a, b) => (a.logTime < b.logTime ? -1 : a.logTime > b.logTime ? 1 : 0));
  return out;
}

/** Datagram bytes held in memory: a compressed file may hold many times its size. */
class ByteBudget {
  #held = 0;
  constructor(
    readonly path: string,
    readonly max: number,
  ) {}
  take(bytes: number): void {
    this.#held += bytes;
    if (this.#held > this.max) {
      throw new ReplayError(
        'RUN_FILE_TOO_LARGE',
        `${this.path} holds more than ${this.max} bytes of datagrams; replay reads at most that (REPLAY_MAX_FILE_BYTES)`,
      );
    }
  }
}

function invalid(path: string, err: unknown): ReplayError {
  const why = err instanceof Error ? err.message : String(err);
  return new ReplayError('RUN_FILE_INVALID', `${path} is not a readable MCAP run file: ${why}`, { cause: err });
}

function parseMetadata(record: McapTypes.Metadata | null): Record<string, unknown> | null {
  const json = record?.metadata.get('json');
  if (json === undefined) return null;
  try {
    const value: unknown = JSON.parse(json);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : null;
  } catch {
    return null;
  }
}

function toRun(c: Collected, indexed: boolean, path: string): LoadedRun {
  if (c.header && c.header.profile !== RUN_PROFILE) {
    throw new ReplayError(
      'RUN_FILE_INVALID',
      `${path}: MCAP profile is "${c.header.profile}", a run file's is "${RUN_PROFILE}"`,
    );
  }
  const sources = new Map<number, DatagramSource>();
  for (const [id, ch] of c.channels) if (ch.topic === DATAGRAM_TOPIC) sources.set(id, sourceOf(ch));
  const first = c.messages.find((m) => sources.has(m.channelId));
  if (!first)
    throw new ReplayError('RUN_FILE_INVALID', `${path} holds no ${DATAGRAM_TOPIC} datagrams: nothing to replay`);
  const startNs = first.logTime;
  const datagrams: RunDatagram[] = [];
  let skipped = 0;
  for (const m of c.messages) {
    const from = sources.get(m.channelId);
    if (!from) skipped++;
    else datagrams.push({ t: Number(m.logTime - startNs) / 1e6, bytes: m.data, from });
  }
  const metadata = parseMetadata(c.metadata);
  const name = typeof metadata?.name === 'string' && metadata.name.length > 0 ? metadata.name : null;
  return { name, metadata, startNs, durationMs: datagrams[datagrams.length - 1].t, datagrams, indexed, skipped };
}

/**
 * Reads a run file into memory (at most `maxBytes` on disk and of datagrams: a pull is seconds to minutes, kilobytes
 * per second), so
 * seeking and looping are index lookups. The indexed reader first; a file without a usable summary (a recovered or
 * unfinished one) is read front to back with the stream reader.
 */
export async function loadRunFile(path: string, maxBytes: number): Promise<LoadedRun> {
  const info = await stat(path).catch((err: unknown) => {
    throw new ReplayError('RUN_NOT_FOUND', `no run file at ${path}`, { cause: err });
  });
  if (!info.isFile()) throw new ReplayError('RUN_NOT_FOUND', `${path} is not a file`);
  if (info.size > maxBytes) {
    throw new ReplayError(
      'RUN_FILE_TOO_LARGE',
      `${path} is ${info.size} bytes; replay reads at most ${maxBytes} (REPLAY_MAX_FILE_BYTES)`,
    );
  }
  await decompressorsReady();
  let collected: Collected | null;
  try {
    collected = await readIndexed(path, new ByteBudget(path, maxBytes));
  } catch (err) {
    throw err instanceof ReplayError ? err : invalid(path, err);
  }
  // An index without chunks (messages written unchunked) lists no messages: read those front to back too.
  if (collected && collected.messages.length > 0) return toRun(collected, true, path);
  return toRun(await readStream(path, new ByteBudget(path, maxBytes)), false, path);
}
