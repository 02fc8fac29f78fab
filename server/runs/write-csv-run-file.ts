import type { RunChannel, RunMetadata } from '@jetdrive-hub/client/contract';
import { McapWriter } from '@mcap/core';
import { type RunSeries, siConversion } from '../curves/index.js';
import {
  buildChannelInfoFrames,
  buildChannelValuesFrames,
  type ChannelSample,
  UNIT_LABELS,
} from '../protocol/index.js';
import { SERVER_VERSION } from '../server-version.js';
import { FileWritable } from './file-writable.js';
import {
  DATAGRAM_ENCODING,
  DATAGRAM_TOPIC,
  JOURNAL_WRITER_OPTIONS,
  msToNs,
  RUN_PROFILE,
  runMetadataRecord,
  sourceChannelMetadata,
} from './run-file-format.js';
import type { RunFileSystem } from './run-file-system.js';
import { startMetadata } from './start-metadata.js';

// An imported CSV time export written as a run file: the columns become the channels of one provider, announced by
// ChannelInfo and sampled by ChannelValues datagrams at the file's times, in the wire units. So an old run from a
// spreadsheet is a run like any other: listed, analysed, downloaded and replayed by the same code. The file written
// here is a journal-like, unchunked MCAP; importRunFile rewrites it (strictly) into the library's format.

/** The provider an imported file's channels belong to ("CSV" in the hex a JetDrive host id prints as). */
export const CSV_IMPORT_HOST = 0xc5f0;
export const CSV_IMPORT_PROVIDER = 'CSV import';
const LOOPBACK = '127.0.0.1';

const UNIT_BYTES = new Map(Object.entries(UNIT_LABELS).map(([byte, label]) => [label, Number(byte)]));

/** The JetDrive unit byte of a column and the conversion to it (an unknown unit: no unit, values as they are). */
function wireUnitOf(label: string): { unit: number; factor: number; offset: number } {
  const direct = UNIT_BYTES.get(label.trim());
  if (direct !== undefined && direct !== 254) return { unit: direct, factor: 1, offset: 0 };
  const si = siConversion(label);
  const byte = si ? UNIT_BYTES.get(si.si) : undefined;
  if (si && byte !== undefined) return { unit: byte, factor: si.factor, offset: si.offset };
  return { unit: 255, factor: 1, offset: 0 };
}

/** Every sample of the series, grouped by time (ms from the first), channel ids from 1. */
function samplesByTime(series: RunSeries, conversions: { factor: number; offset: number }[]) {
  const times = new Set<number>();
  for (const c of series.channels) for (const t of c.t) times.add(t);
  const sorted = [...times].sort((a, b) => a - b);
  const origin = sorted[0] ?? 0;
  const next = series.channels.map(() => 0);
  return {
    origin,
    *groups(): Generator<{ ms: number; samples: ChannelSample[] }> {
      for (const t of sorted) {
        const ms = Math.round(t - origin);
        const samples: ChannelSample[] = [];
        series.channels.forEach((c, i) => {
          if (c.t[next[i]] !== t) return;
          const { factor, offset } = conversions[i];
          samples.push({ channelId: i + 1, ts: ms, value: c.v[next[i]] * factor + offset });
          next[i]++;
        });
        yield { ms, samples };
      }
    },
  };
}

export interface CsvRunFileInput {
  fs: RunFileSystem;
  /** Where to write (a temp file in the library's folder; it must not exist). */
  file: string;
  series: RunSeries;
  name: string;
  /** Epoch ms the file's first row stands for. */
  startedAt: number;
}

/** Writes the series as an unchunked run file; returns the metadata it carries. */
export async function writeCsvRunFile(input: CsvRunFileInput): Promise<RunMetadata> {
  const wire = input.series.channels.map((c) => wireUnitOf(c.unit));
  const channels: RunChannel[] = input.series.channels.map((c, i) => ({
    hostId: CSV_IMPORT_HOST,
    channelId: i + 1,
    name: c.name,
    unit: UNIT_LABELS[wire[i].unit] ?? '',
    quantity: c.quantity,
  }));
  const byTime = samplesByTime(input.series, wire);
  const base = startMetadata({ id: 'import', name: input.name, startedAt: input.startedAt, reason: 'upload' });
  const provider = { hostId: CSV_IMPORT_HOST, hostHex: '0xC5F0', name: CSV_IMPORT_PROVIDER, address: LOOPBACK };
  const meta: RunMetadata = { ...base, providers: [provider], channels };
  const handle = await input.fs.open(input.file, 'wx', 0o600);
  try {
    // Like a journal: no indexes (the unchunked writer's metadata index is wrong); the rewrite builds them.
    const writer = new McapWriter({ writable: new FileWritable(handle), ...JOURNAL_WRITER_OPTIONS });
    await writer.start({ profile: RUN_PROFILE, library: `jetdrive-hub ${SERVER_VERSION}` });
    await writer.addMetadata(runMetadataRecord(meta));
    const channelId = await writer.registerChannel({
      schemaId: 0,
      topic: DATAGRAM_TOPIC,
      messageEncoding: DATAGRAM_ENCODING,
      metadata: sourceChannelMetadata(LOOPBACK, 0),
    });
    let sequence = 0;
    const add = async (data: Uint8Array, ms: number) => {
      const time = msToNs(input.startedAt + ms);
      await writer.addMessage({ channelId, sequence, logTime: time, publishTime: time, data });
      sequence = (sequence + 1) & 0xff;
    };
    const records = channels.map((c, i) => ({ channelId: c.channelId, vendor: 0, name: c.name, unit: wire[i].unit }));
    for (const frame of buildChannelInfoFrames({
      host: CSV_IMPORT_HOST,
      providerName: CSV_IMPORT_PROVIDER,
      channels: records,
    })) {
      await add(frame, 0);
    }
    let last = 0;
    for (const { ms, samples } of byTime.groups()) {
      for (const frame of buildChannelValuesFrames({ host: CSV_IMPORT_HOST, seqStart: sequence, samples })) {
        await add(frame, ms);
      }
      last = ms;
    }
    const final = { ...meta, endedAt: input.startedAt + last, endReason: 'manual' as const };
    await writer.addMetadata(runMetadataRecord(final));
    await writer.end();
    return final;
  } finally {
    await handle.close();
  }
}
