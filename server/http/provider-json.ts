import type { ProviderSnapshot } from '../channels/types.js';
import type { SimulatorOriginOf } from './types.js';

// JSON is snake_case like the older API the existing dashboards call.

export interface ProviderJson {
  provider_id: number;
  provider_id_hex: string;
  name: string;
  address: string;
  port: number;
  online: boolean;
  incompatible: boolean;
  version: number | null;
  channel_count: number;
  clock: { synced: boolean; offset_ms: number | null; latency_ms: number | null };
  sequence: { received: number; dropped: number; out_of_order: number; duplicates: number; first: number };
  first_seen: string;
  last_seen: string;
  /** Frames under this host id from another source address (possible spoofing); null when none. */
  conflicts: { count: number; owner: string; last_address: string; last_at: string } | null;
  /** `this_hub`: our simulated dyno; `another_hub`: a simulator of another hub on the same JetDrive port; null: neither. */
  simulator: 'this_hub' | 'another_hub' | null;
}

export function providerJson(provider: ProviderSnapshot, simulator: ProviderJson['simulator'] = null): ProviderJson {
  return {
    provider_id: provider.hostId,
    provider_id_hex: provider.hostHex,
    name: provider.name,
    address: provider.address,
    port: provider.port,
    online: provider.online,
    incompatible: provider.incompatible,
    version: provider.version,
    channel_count: provider.channelCount,
    clock: { synced: provider.clock.synced, offset_ms: provider.clock.offsetMs, latency_ms: provider.clock.latencyMs },
    sequence: {
      received: provider.seq.received,
      dropped: provider.seq.dropped,
      out_of_order: provider.seq.outOfOrder,
      duplicates: provider.seq.duplicates,
      first: provider.seq.first,
    },
    first_seen: new Date(provider.firstSeen).toISOString(),
    last_seen: new Date(provider.lastSeen).toISOString(),
    conflicts: provider.conflicts
      ? {
          count: provider.conflicts.count,
          owner: provider.conflicts.owner,
          last_address: provider.conflicts.lastAddress,
          last_at: new Date(provider.conflicts.lastAt).toISOString(),
        }
      : null,
    simulator,
  };
}

/** Every provider, each told apart as ours, another hub's simulator or a real one when the hub knows how. */
export function providersJson(providers: readonly ProviderSnapshot[], originOf?: SimulatorOriginOf): ProviderJson[] {
  return providers.map((p) => providerJson(p, originOf ? originOf(p, providers) : null));
}
