import type { RunChannel, RunMetadata, RunProvider, RunStartReason } from '@jetdrive-hub/client/contract';
import type { ChannelRegistry, QuantityResolver } from '../channels/types.js';

export interface StartMetadataInput {
  id: string;
  name: string;
  startedAt: number;
  reason: RunStartReason;
  registry?: ChannelRegistry;
  resolver?: QuantityResolver;
  simulator?: { profile: string; scenario: string | null } | null;
}

/** The metadata written when a run starts: who was on the bus and what their channels measure. */
export function startMetadata(input: StartMetadataInput): RunMetadata {
  const providers: RunProvider[] = [];
  const channels: RunChannel[] = [];
  if (input.registry) {
    const catalog = input.registry.catalog();
    for (const p of catalog.providers) {
      if (p.online) providers.push({ hostId: p.hostId, hostHex: p.hostHex, name: p.name, address: p.address });
    }
    const online = new Set(providers.map((p) => p.hostId));
    for (const c of catalog.channels) {
      if (!online.has(c.providerId)) continue;
      channels.push({
        hostId: c.providerId,
        channelId: c.channelId,
        name: c.name,
        unit: c.unitLabel,
        quantity: input.resolver?.quantityOf(c) ?? null,
      });
    }
  }
  return {
    id: input.id,
    name: input.name,
    startedAt: input.startedAt,
    endedAt: null,
    startReason: input.reason,
    endReason: null,
    providers,
    channels,
    atmosphere: null,
    simulator: input.simulator ?? null,
    notes: '',
    pinned: false,
    recovered: false,
    datagrams: 0,
    droppedDatagrams: 0,
    stats: null,
    peakPower: null,
    peakTorque: null,
  };
}
