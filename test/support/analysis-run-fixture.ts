import type { RunChannel } from '@jetdrive-hub/client/contract';
import type { SampleBatch } from '../../server/channels/index.js';
import { type EngineProfileId, runPull, type SimFrame } from '../../server/engine/index.js';
import { buildChannelInfoFrames, buildChannelValuesFrames, decodeFrame } from '../../server/protocol/index.js';
import type { UnitByte } from '../../server/protocol/types.js';
import { DYNO_CHANNELS, DYNO_PROVIDER_NAME } from '../../server/sim/sim-channels.js';
import { WidebandDelay } from '../../server/sim/wideband-delay.js';
import { PULL_TPS, scenarioDyno, WIDEBAND_DELAY_MS } from './analysis-accuracy.js';
import { type FixtureDatagram, writeRunFile } from './replay-fixtures.js';

// Simulated pulls as a dyno records them, for the offline analysis tests: the simulated engine on a wrong VE table
// (lean or rich scenario), its frames as the simulated dyno's datagrams (the channels an analysis reads, the
// wideband late by WIDEBAND_DELAY_MS), written as a run file with the catalog the recorder stores, and the same
// datagrams as the sample batches a live analysis of them would have read.

export const RUN_HOST = 0x43fd;
const QUANTITY: Readonly<Record<number, string>> = {
  1: 'rpm',
  8: 'afr_front',
  9: 'afr_rear',
  11: 'map',
  12: 'tps',
  13: 'ect',
};
const CHANNELS = DYNO_CHANNELS.filter((c) => QUANTITY[c.id] !== undefined);
const FROM = { address: '127.0.0.1', port: 40001 };

export interface SimulatedPulls {
  frames: SimFrame[];
  /** The multiplier each cell of the ECU table needs to equal the engine's real VE. */
  truth: Float64Array;
  /** The ECU table the engine ran on (what a tuner would upload). */
  table: Float64Array;
}

/** `pulls` pulls at 100/80/60/40/20 % throttle at 50 Hz, the wideband readings delayed as the simulated dyno's. */
export function simulatedPulls(o: {
  profile?: EngineProfileId;
  scenario: 'lean' | 'rich';
  pulls: number;
  seed?: number;
  firstPull?: number;
}): SimulatedPulls {
  const { sim, table, baseline } = scenarioDyno(o.profile ?? 'm8_114', o.scenario, o.seed ?? 42);
  const wideband = new WidebandDelay(WIDEBAND_DELAY_MS, 50);
  const frames: SimFrame[] = [];
  for (let p = 0; p < o.pulls; p++) {
    const tps = PULL_TPS[((o.firstPull ?? 0) + p) % PULL_TPS.length];
    for (const f of runPull(sim, { tps, dtS: 0.02 }).frames) frames.push(wideband.delay(f));
  }
  return { frames, truth: baseline.map((v, k) => v / table[k]), table };
}

/** The frames as the dyno's datagrams: ChannelInfo, then one ChannelValues per frame (provider clock in ms). */
export function runDatagrams(frames: readonly SimFrame[], startNs: bigint): FixtureDatagram[] {
  const info = buildChannelInfoFrames({
    host: RUN_HOST,
    providerName: DYNO_PROVIDER_NAME,
    channels: CHANNELS.map((c) => ({ channelId: c.id, vendor: 0, name: c.name, unit: c.unit as UnitByte })),
  });
  const out: FixtureDatagram[] = info.map((bytes) => ({ logTimeNs: startNs, bytes, from: FROM }));
  const t0 = frames[0]?.t ?? 0;
  let seq = out.length;
  for (const f of frames) {
    const ms = Math.round((f.t - t0) * 1000);
    const samples = CHANNELS.map((c) => ({ channelId: c.id, ts: 1000 + ms, value: c.read(f) }));
    for (const bytes of buildChannelValuesFrames({ host: RUN_HOST, seqStart: seq & 0xff, samples })) {
      out.push({ logTimeNs: startNs + BigInt(ms) * 1_000_000n, bytes, from: FROM });
      seq++;
    }
  }
  return out;
}

/** The catalog the recorder stores with a run of the simulated dyno (what the mapping said of each channel). */
export function runCatalog(): RunChannel[] {
  return CHANNELS.map((c) => ({
    hostId: RUN_HOST,
    channelId: c.id,
    name: c.name,
    unit: '',
    quantity: QUANTITY[c.id] ?? null,
  }));
}

/** Writes the datagrams as a run file with the recorder's metadata (start time, provider, catalog). */
export async function writeSimulatedRun(path: string, datagrams: readonly FixtureDatagram[], name: string) {
  const startedAt = Number(datagrams[0].logTimeNs / 1_000_000n);
  await writeRunFile(path, datagrams, {
    name,
    metadata: {
      startedAt,
      providers: [{ hostId: RUN_HOST, hostHex: '0x43FD', name: DYNO_PROVIDER_NAME, address: FROM.address }],
      channels: runCatalog(),
    },
  });
}

/** The datagrams as the registry's sample batches (one per datagram, keys host:channel, times on the provider clock). */
export function liveBatches(datagrams: readonly FixtureDatagram[]): SampleBatch[] {
  const out: SampleBatch[] = [];
  for (const d of datagrams) {
    const frame = decodeFrame(d.bytes);
    if (frame.type !== 'ChannelValues') continue;
    const n = frame.samples.length;
    out.push({
      providerId: frame.host,
      receivedAt: Number(d.logTimeNs / 1_000_000n),
      count: n,
      keys: frame.samples.map((s) => `${frame.host}:${s.channelId}`),
      channelIds: Uint16Array.from(frame.samples, (s) => s.channelId),
      times: Float64Array.from(frame.samples, (s) => s.ts),
      values: Float32Array.from(frame.samples, (s) => s.value),
      providerTs: Uint32Array.from(frame.samples, (s) => s.ts),
    });
  }
  return out;
}
