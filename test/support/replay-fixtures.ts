import { writeFile } from 'node:fs/promises';
import { type IWritable, McapWriter } from '@mcap/core';
import { buildChannelInfoFrames, buildChannelValuesFrames } from '../../server/protocol/index.js';
import type { ChannelInfoRecord, UnitByte } from '../../server/protocol/types.js';

// Run files for the replay tests, written with @mcap/core's own McapWriter in the agreed format (profile `jetdrive`,
// one `jetdrive.klhdv` channel per datagram source with its address in the channel metadata, one message per
// datagram, `jetdrive-hub.run` metadata with a `json` key) — independent of the hub's recorder.

export interface FixtureDatagram {
  /** Receive time, ns since the epoch. */
  logTimeNs: bigint;
  bytes: Uint8Array;
  from: { address: string; port: number };
}

export interface WriteRunOptions {
  name?: string;
  /** Leave the file unfinished (no summary, no footer, the open chunk lost): what a crash leaves. */
  unfinished?: boolean;
  chunkSize?: number;
  compressChunk?: (data: Uint8Array) => { compression: string; compressedData: Uint8Array };
  /** Extra metadata fields. */
  metadata?: Record<string, unknown>;
}

class BufferWritable implements IWritable {
  readonly parts: Uint8Array[] = [];
  #position = 0n;
  async write(buffer: Uint8Array): Promise<void> {
    this.parts.push(buffer.slice());
    this.#position += BigInt(buffer.byteLength);
  }
  position(): bigint {
    return this.#position;
  }
}

export async function writeRunFile(path: string, datagrams: readonly FixtureDatagram[], o: WriteRunOptions = {}) {
  const out = new BufferWritable();
  const writer = new McapWriter({ writable: out, chunkSize: o.chunkSize ?? 16 * 1024, compressChunk: o.compressChunk });
  await writer.start({ profile: 'jetdrive', library: 'jetdrive-hub test fixture' });
  const meta = (extra: Record<string, unknown>) => ({
    name: 'jetdrive-hub.run',
    metadata: new Map([
      ['json', JSON.stringify({ id: 'fixture', name: o.name ?? 'Fixture run', ...o.metadata, ...extra })],
    ]),
  });
  await writer.addMetadata(meta({}));
  const channels = new Map<string, number>();
  for (const d of datagrams) {
    const key = `${d.from.address}:${d.from.port}`;
    let channelId = channels.get(key);
    if (channelId === undefined) {
      channelId = await writer.registerChannel({
        schemaId: 0,
        topic: 'jetdrive.klhdv',
        messageEncoding: 'jetdrive.klhdv',
        metadata: new Map([
          ['source_address', d.from.address],
          ['source_port', String(d.from.port)],
        ]),
      });
      channels.set(key, channelId);
    }
    await writer.addMessage({
      channelId,
      sequence: d.bytes[5] ?? 0,
      logTime: d.logTimeNs,
      publishTime: d.logTimeNs,
      data: d.bytes,
    });
  }
  if (!o.unfinished) {
    await writer.addMetadata(meta({ datagrams: datagrams.length }));
    await writer.end();
  }
  await writeFile(path, Buffer.concat(out.parts));
}

export interface SyntheticProvider {
  host: number;
  name: string;
  address: string;
  port: number;
  channels: readonly { channelId: number; name: string; unit: number }[];
}

/** A dyno provider with two channels, as the replay tests record it. */
export const FIXTURE_DYNO: SyntheticProvider = {
  host: 0x43fd,
  name: 'Simulated Dyno',
  address: '127.0.0.1',
  port: 40001,
  channels: [
    { channelId: 1, name: 'Digital RPM 1', unit: 8 },
    { channelId: 2, name: 'Power', unit: 4 },
  ],
};

/** A value that differs per channel and moment, so a replayed sample can be matched to its recording. */
export function syntheticValue(channelId: number, tMs: number): number {
  return Math.fround(channelId * 1000 + tMs / 10);
}

/**
 * A provider's run: its ChannelInfo first, then one ChannelValues per period with every channel, provider timestamps
 * starting at `tsStart` and moving with the log time.
 */
export function syntheticRun(
  p: SyntheticProvider,
  o: { startNs: bigint; durationMs: number; periodMs: number; tsStart?: number },
): FixtureDatagram[] {
  const from = { address: p.address, port: p.port };
  const records: ChannelInfoRecord[] = p.channels.map((c) => ({
    channelId: c.channelId,
    vendor: 0,
    name: c.name,
    unit: c.unit as UnitByte,
  }));
  const out: FixtureDatagram[] = buildChannelInfoFrames({ host: p.host, providerName: p.name, channels: records }).map(
    (bytes) => ({ logTimeNs: o.startNs, bytes, from }),
  );
  let seq = out.length;
  for (let t = 0; t <= o.durationMs; t += o.periodMs) {
    const ts = (o.tsStart ?? 1000) + t;
    const samples = p.channels.map((c) => ({ channelId: c.channelId, ts, value: syntheticValue(c.channelId, t) }));
    for (const bytes of buildChannelValuesFrames({ host: p.host, seqStart: seq & 0xff, samples })) {
      out.push({ logTimeNs: o.startNs + BigInt(Math.round(t * 1e6)), bytes, from });
      seq++;
    }
  }
  return out;
}

/** Datagrams of several providers merged in log-time order. */
export function mergeRuns(...runs: FixtureDatagram[][]): FixtureDatagram[] {
  return runs.flat().sort((a, b) => (a.logTimeNs < b.logTimeNs ? -1 : a.logTimeNs > b.logTimeNs ? 1 : 0));
}
