import { createClockSync } from './clock-sync.js';
import { hostHex } from './pick-host-id.js';
import { createSequenceTracker, type SequenceTracker } from './sequence-tracker.js';
import type { ProviderState } from './types.js';

/** A remote host as the node keeps it: what the sink sees plus the node's own bookkeeping. */
export interface NodeProvider extends ProviderState {
  tracker: SequenceTracker;
  /** Told to the sink (`added`). */
  announced: boolean;
  lastPingAt: number | null;
  lastInfoRequestAt: number | null;
  /** A ChannelInfo named at least one channel (eviction keeps such providers). */
  named: boolean;
}

/** A host first heard now, from this address. */
export function createNodeProvider(host: number, from: { address: string; port: number }, t: number): NodeProvider {
  const tracker = createSequenceTracker();
  return {
    hostId: host,
    name: `Provider ${hostHex(host)}`,
    address: from.address,
    port: from.port,
    online: true,
    incompatible: false,
    version: null,
    seq: tracker.counters,
    clock: createClockSync(),
    firstSeen: t,
    lastSeen: t,
    valueMessages: 0,
    tracker,
    announced: false,
    lastPingAt: null,
    lastInfoRequestAt: null,
    named: false,
  };
}
