import type { RunChannel, RunMetadata } from '@jetdrive-hub/client/contract';
import { McapIndexedReader } from '@mcap/core';
import { FileHandleReadable } from '@mcap/nodejs';
import type { RunSeries, SeriesChannel } from '../curves/index.js';
import { decodeFrame, unitLabel } from '../protocol/index.js';
import { decompressHandlers } from './decompress-handlers.js';
import { DATAGRAM_TOPIC, nsToMs, RUN_METADATA_NAME } from './run-file-format.js';
import type { RunFileSystem } from './run-file-system.js';

// A run file decoded into the run-analysis core's input: every ChannelValues datagram's samples per channel, named
// and given units by the run's ChannelInfo frames (or the catalog the recorder stored), quantities from that catalog
// (the mapping's answer while the run was recorded), and for a channel it left unmapped, from the resolver given.
// The live mapping is not asked: it caches one suggestion per channel of the live registry, and a recorded channel
// is not one. Bounded in channels and samples; what did not fit is counted, never silently lost.

export interface ReadRunSeriesLimits {
  /** Channels kept; samples of further channels are counted in droppedSamples, the channels in droppedChannels. */
  maxChannels: number;
  /** Samples kept over all channels (each a time and a value: 16 bytes). */
  maxSamples: number;
}

/** 256 channels, 4 M samples (64 MiB): a minute of the simulator is about 60 k. */
export const DEFAULT_READ_RUN_SERIES_LIMITS: Readonly<ReadRunSeriesLimits> = Object.freeze({
  maxChannels: 256,
  maxSamples: 4_000_000,
});

/** What the mapping is asked about a recorded channel. */
export interface RecordedChannel {
  hostId: number;
  providerName: string;
  channelId: number;
  name: string;
  unit: string;
}

/** A quantity for a channel the stored catalog left unmapped; `taken` holds the quantities already given. */
export type RecordedQuantityResolver = (channel: RecordedChannel, taken: ReadonlySet<string>) => string | null;

export interface RunSeriesRead {
  series: RunSeries;
  /** Epoch ms that t = 0 stands for (the run's start). */
  originMs: number;
  counts: {
    datagrams: number;
    samples: number;
    /** Datagrams that did not decode (the file keeps what the hub received, bad frames included). */
    badDatagrams: number;
    droppedSamples: number;
    droppedChannels: number;
  };
  /** Bytes the series hold (times and values), what a cache weighs it by. */
  bytes: number;
}

interface Column {
  hostId: number;
  channelId: number;
  t: number[];
  v: number[];
}

const U32 = 2 ** 32;
const keyOf = (hostId: number, channelId: number) => `${hostId}:${channelId}`;

/** Per provider: its clock (u32 ms, wraps) put on the hub's receive clock once, at its first ChannelValues. */
class ProviderClock {
  #offset = 0;
  #last = -1;
  #wraps = 0;

  constructor(firstTs: number, receivedMs: number) {
    this.#offset = receivedMs - firstTs;
  }

  toHubMs(ts: number): number {
    if (this.#last >= 0 && ts < this.#last - U32 / 2) this.#wraps++;
    this.#last = ts;
    return ts + this.#wraps * U32 + this.#offset;
  }
}

class SeriesBuilder {
  readonly columns = new Map<string, Column>();
  readonly names = new Map<string, { name: string; unit: string }>();
  readonly providers = new Map<number, string>();
  readonly clocks = new Map<number, ProviderClock>();
  readonly dropped = new Set<string>();
  counts = { datagrams: 0, samples: 0, badDatagrams: 0, droppedSamples: 0, droppedChannels: 0 };

  constructor(readonly limits: ReadRunSeriesLimits) {}

  add(bytes: Uint8Array, receivedMs: number): void {
    this.counts.datagrams++;
    let frame: ReturnType<typeof decodeFrame>;
    try {
      frame = decodeFrame(bytes);
    } catch {
      this.counts.badDatagrams++;
      return;
    }
    if (frame.type === 'ChannelInfo') {
      this.providers.set(frame.host, frame.providerName);
      for (const c of frame.channels) {
        this.names.set(keyOf(frame.host, c.channelId), { name: c.name, unit: unitLabel(c.unit) });
      }
    } else if (frame.type === 'ChannelValues' && frame.samples.length > 0) {
      let clock = this.clocks.get(frame.host);
      if (!clock) {
        clock = new ProviderClock(frame.samples[0].ts, receivedMs);
        this.clocks.set(frame.host, clock);
      }
      for (const s of frame.samples) this.#sample(frame.host, s.channelId, clock.toHubMs(s.ts), s.value);
    }
  }

  #sample(hostId: number, channelId: number, t: number, value: number): void {
    const key = keyOf(hostId, channelId);
    let column = this.columns.get(key);
    if (!column) {
      if (this.columns.size >= this.limits.maxChannels) {
        if (!this.dropped.has(key)) this.counts.droppedChannels++;
        this.dropped.add(key);
        this.counts.droppedSamples++;
        return;
      }
      column = { hostId, channelId, t: [], v: [] };
      this.columns.set(key, column);
    }
    // Out of order (a provider's clock stepped back) or not a number: the curves need rising times and real values.
    const behind = column.t.length > 0 && t < column.t[column.t.length - 1];
    if (this.counts.samples >= this.limits.maxSamples || behind || !Number.isFinite(value)) {
      this.counts.droppedSamples++;
      return;
    }
    this.counts.samples++;
    column.t.push(t);
    column.v.push(value);
  }
}

async function readFile(fs: RunFileSystem, file: string, builder: SeriesBuilder): Promise<RunMetadata | null> {
  const handle = await fs.open(file, 'r');
  try {
    const reader = await McapIndexedReader.Initialize({
      readable: new FileHandleReadable(handle),
      decompressHandlers: await decompressHandlers(),
    });
    let meta: RunMetadata | null = null;
    for await (const record of reader.readMetadata({ name: RUN_METADATA_NAME })) {
      const json = record.metadata.get('json');
      if (json !== undefined) meta = JSON.parse(json) as RunMetadata;
    }
    for await (const message of reader.readMessages({ topics: [DATAGRAM_TOPIC] })) {
      builder.add(message.data, nsToMs(message.logTime));
    }
    return meta;
  } finally {
    await handle.close();
  }
}

function channelsOf(b: SeriesBuilder, meta: RunMetadata | null, resolve: RecordedQuantityResolver | undefined) {
  const catalog = new Map<string, RunChannel>((meta?.channels ?? []).map((c) => [keyOf(c.hostId, c.channelId), c]));
  const providerNames = new Map((meta?.providers ?? []).map((p) => [p.hostId, p.name]));
  const described = [...b.columns.entries()].map(([key, column]) => {
    const stored = catalog.get(key);
    const info = b.names.get(key);
    const recorded: RecordedChannel = {
      hostId: column.hostId,
      providerName: b.providers.get(column.hostId) ?? providerNames.get(column.hostId) ?? '',
      channelId: column.channelId,
      name: info?.name ?? stored?.name ?? `Channel ${column.channelId}`,
      unit: info?.unit ?? stored?.unit ?? '',
    };
    return { column, recorded, quantity: stored?.quantity ?? null };
  });
  // The catalog is what the mapping said while the run was recorded; a channel it left unmapped is asked about.
  const taken = new Set(described.flatMap((d) => (d.quantity ? [d.quantity] : [])));
  for (const d of described) {
    if (d.quantity !== null || !resolve) continue;
    d.quantity = resolve(d.recorded, taken);
    if (d.quantity) taken.add(d.quantity);
  }
  // Two providers may use one channel name: those are told apart by provider, as the live catalog does.
  const seen = new Map<string, number>();
  for (const d of described) seen.set(d.recorded.name, (seen.get(d.recorded.name) ?? 0) + 1);
  return described.map(({ column, recorded, quantity }) => ({
    name: (seen.get(recorded.name) ?? 0) > 1 ? `${recorded.providerName}/${recorded.name}` : recorded.name,
    quantity,
    unit: recorded.unit,
    column,
  }));
}

/** Reads a finished run file into the analysis core's series (times in ms from the run's start). */
export async function readRunSeries(
  fs: RunFileSystem,
  file: string,
  options: { resolveQuantity?: RecordedQuantityResolver; limits?: Partial<ReadRunSeriesLimits> } = {},
): Promise<RunSeriesRead> {
  const builder = new SeriesBuilder({ ...DEFAULT_READ_RUN_SERIES_LIMITS, ...options.limits });
  const meta = await readFile(fs, file, builder);
  const described = channelsOf(builder, meta, options.resolveQuantity);
  let first = Number.POSITIVE_INFINITY;
  for (const { column } of described) if (column.t.length > 0) first = Math.min(first, column.t[0]);
  const originMs = meta?.startedAt ?? (Number.isFinite(first) ? first : 0);
  let bytes = 0;
  const channels: SeriesChannel[] = described.map(({ name, quantity, unit, column }) => {
    bytes += column.t.length * 16;
    return {
      name,
      quantity,
      unit,
      t: Float64Array.from(column.t, (t) => t - originMs),
      v: Float64Array.from(column.v),
    };
  });
  return { series: { channels }, originMs, counts: builder.counts, bytes };
}
