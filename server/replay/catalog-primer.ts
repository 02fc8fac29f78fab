import { z } from 'zod';
import { buildChannelInfoFrames } from '../protocol/build-channel-info-frames.js';
import type { ChannelInfoRecord } from '../protocol/types.js';
import { KEY, UNIT_LABELS } from '../protocol/types.js';
import type { LoadedRun, RunDatagram } from './load-run-file.js';

// A run's ChannelInfo may lie before its first datagram (providers announce their channels at start and then only
// when asked, and a replay cannot ask): the run's metadata carries the channel catalog (RunMetadata in the contract's
// runs.ts), so the replay announces it first, as ChannelInfo from each provider's recorded address.

const NO_UNIT = 255;
const hostId = z.number().int().min(1).max(0xfffe);
const unit = z.union([z.number().int().min(0).max(255), z.string()]);
const providerSchema = z.looseObject({ hostId, name: z.string().min(1) });
const channelSchema = z.looseObject({
  channelId: z.number().int().min(0).max(0xffff),
  name: z.string().min(1),
  unit: unit.optional(),
  // The catalog names the provider by host id (`provider`, `hostId` or `providerHostId`).
  provider: z.union([hostId, z.looseObject({ hostId })]).optional(),
  hostId: hostId.optional(),
  providerHostId: hostId.optional(),
});
const metadataSchema = z.looseObject({
  providers: z.array(z.unknown()).max(256).optional(),
  channels: z.array(z.unknown()).max(65_536).optional(),
});

const LABEL_TO_UNIT = new Map(Object.entries(UNIT_LABELS).map(([byte, label]) => [label, Number(byte)]));

function unitByte(u: number | string | undefined): number {
  if (typeof u === 'number') return u;
  return (u === undefined ? undefined : LABEL_TO_UNIT.get(u)) ?? NO_UNIT;
}

function providerOf(c: z.infer<typeof channelSchema>): number | undefined {
  if (typeof c.provider === 'number') return c.provider;
  return c.provider?.hostId ?? c.hostId ?? c.providerHostId;
}

/** Each host's first datagram address: what its ChannelInfo must come from (the node's source guard). */
function addressesOf(run: LoadedRun): Map<number, RunDatagram['from']> {
  const out = new Map<number, RunDatagram['from']>();
  for (const d of run.datagrams) {
    const host = d.bytes[3] | (d.bytes[4] << 8);
    if (d.bytes.byteLength >= 8 && !out.has(host)) out.set(host, d.from);
  }
  return out;
}

/**
 * ChannelInfo datagrams for every provider of the run's metadata catalog that has datagrams in the file but no
 * ChannelInfo of its own before its first ChannelValues. Entries that do not parse are skipped (metadata is advisory).
 */
export function catalogPrimer(run: LoadedRun): RunDatagram[] {
  const meta = metadataSchema.safeParse(run.metadata ?? {});
  if (!meta.success) return [];
  const names = new Map<number, string>();
  for (const raw of meta.data.providers ?? []) {
    const p = providerSchema.safeParse(raw);
    if (p.success) names.set(p.data.hostId, p.data.name);
  }
  const channels = new Map<number, ChannelInfoRecord[]>();
  for (const raw of meta.data.channels ?? []) {
    const c = channelSchema.safeParse(raw);
    const host = c.success ? providerOf(c.data) : undefined;
    if (!c.success || host === undefined) continue;
    const list = channels.get(host) ?? [];
    list.push({ channelId: c.data.channelId, vendor: 0, name: c.data.name, unit: unitByte(c.data.unit) });
    channels.set(host, list);
  }
  const addresses = addressesOf(run);
  const announced = new Set<number>();
  for (const d of run.datagrams) {
    const host = d.bytes[3] | (d.bytes[4] << 8);
    if (d.bytes[0] === KEY.ChannelInfo) announced.add(host);
    else if (d.bytes[0] === KEY.ChannelValues && !announced.has(host)) announced.add(-host - 1);
  }
  const out: RunDatagram[] = [];
  for (const [host, records] of channels) {
    const from = addresses.get(host);
    // Only hosts that are in the file and sent values before any ChannelInfo of theirs.
    if (!from || !announced.has(-host - 1)) continue;
    const providerName = names.get(host) ?? `Provider 0x${host.toString(16).toUpperCase().padStart(4, '0')}`;
    for (const bytes of buildChannelInfoFrames({ host, providerName, channels: records }))
      out.push({ t: 0, bytes, from });
  }
  return out;
}
