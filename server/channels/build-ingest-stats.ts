import { hostHex } from '../jetdrive/pick-host-id.js';
import type { NodeCounters } from '../jetdrive/types.js';
import type { ProviderEntry } from './provider-table.js';
import type { IngestStats } from './types.js';

/** The node's counters and the registry's own, as one IngestStats (copies). */
export function buildIngestStats(
  counters: NodeCounters,
  registry: { samples: number; staleSamples: number; drops: Record<string, number> },
  providers: Iterable<ProviderEntry>,
): IngestStats {
  const seq: IngestStats['providers'] = {};
  for (const pe of providers) seq[hostHex(pe.state.hostId)] = { ...pe.state.seq };
  const drops: Record<string, number> = { ...counters.drops };
  for (const [k, v] of Object.entries(registry.drops)) drops[k === 'providers' ? 'registryProviders' : k] = v;
  return {
    datagrams: counters.datagrams,
    bytes: counters.bytes,
    malformed: { ...counters.malformed },
    unknownKeys: counters.unknownKeys,
    trailingBytes: counters.trailingBytes,
    partialRecords: counters.partialRecords,
    ignored: { ...counters.ignored },
    samples: registry.samples,
    staleSamples: registry.staleSamples,
    evictions: counters.evictions,
    pongsSuppressed: { ...counters.pongsSuppressed },
    conflicts: { ...counters.conflicts },
    collisionsSuppressed: counters.collisionsSuppressed,
    drops,
    providers: seq,
  };
}
