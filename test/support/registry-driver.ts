import { Subject } from 'rxjs';
import { type ChannelRegistryHandle, createChannelRegistry } from '../../server/channels/create-channel-registry.js';
import type { ChannelMeta, ChannelRegistry, QuantityResolver } from '../../server/channels/types.js';
import { type ClockSync, createClockSync } from '../../server/jetdrive/clock-sync.js';
import { createSequenceTracker } from '../../server/jetdrive/sequence-tracker.js';
import type { ProviderState } from '../../server/jetdrive/types.js';
import { ChannelValuesBatch } from '../../server/protocol/channel-values-batch.js';
import type { ChannelInfoRecord } from '../../server/protocol/types.js';
import { DYNO_PROVIDER, SIMULATOR_CHANNELS as SIMULATOR_CHANNEL_SPECS } from './simulator-channels.js';

// The real channel registry, driven by hand through its write API (the sink the JetDrive node feeds): tests announce
// providers and channels and push values as a node would (one ChannelValues batch per "datagram"), so every rule
// they see (display names, ring, min/max, rate, events) is the registry's own. The driver only plays the node: it
// keeps each provider's state and channel list and turns a channel removal into ClearChannelInfo + re-announce.

export interface DriverChannelInput {
  providerId: number;
  channelId: number;
  name: string;
  unit?: number;
}

/** The node's side of a provider a test may set: its source address and its clock. */
export interface DriverProviderFields {
  address?: string;
  port?: number;
  /** A synced clock; the default is an unsynced one (samples stamped with the push time). */
  clock?: ClockSync;
}

export interface RegistryDriver extends ChannelRegistry {
  readonly registry: ChannelRegistryHandle;
  addProvider(hostId: number, name: string, fields?: DriverProviderFields): ProviderState;
  setProviderOnline(hostId: number, online: boolean): void;
  addChannel(input: DriverChannelInput): ChannelMeta;
  renameChannel(key: string, name: string): ChannelMeta;
  /** ClearChannelInfo, then ChannelInfo for the provider's other channels (JetDrive removes no single channel). */
  removeChannel(key: string): void;
  /** One ChannelValues "datagram" of [channelId, value] pairs received at `time` (provider ts = time as u32 ms). */
  push(providerId: number, values: readonly (readonly [number, number])[], time?: number): void;
  readonly ringSize: number;
}

/** A provider clock already synced, with the given offset and latency; sample times are the receive times. */
export function syncedClock(offsetMs: number, latencyMs: number): ClockSync {
  return {
    synced: true,
    offsetMs,
    latencyMs,
    onPong: () => false,
    toTime: (_ts, receivedAt) => receivedAt,
    adopt: () => {},
  };
}

/**
 * Tests push with times of their choosing (1970 included): no age limit on rings, no stale window; and channel sets
 * of their choosing (a heavy logger of hundreds of channels): the per-provider cap is the tests' own business.
 */
function createTestRegistry(ringSize: number, resolver: QuantityResolver | undefined): ChannelRegistryHandle {
  return createChannelRegistry(
    {
      historyMax: ringSize,
      historyMs: Number.MAX_SAFE_INTEGER,
      staleWindowMs: Number.POSITIVE_INFINITY,
      maxChannelsPerProvider: 4096,
    },
    resolver ? { resolver } : {},
  );
}

/** A provider as the node keeps it, online, seen now. */
function newProviderState(hostId: number, name: string, fields: DriverProviderFields): ProviderState {
  const now = Date.now();
  return {
    hostId,
    name,
    address: fields.address ?? '127.0.0.1',
    port: fields.port ?? 22344,
    online: true,
    incompatible: false,
    version: 1,
    seq: createSequenceTracker().counters,
    clock: fields.clock ?? createClockSync(),
    firstSeen: now,
    lastSeen: now,
    valueMessages: 0,
  };
}

export function createRegistryDriver(options: { ringSize?: number; resolver?: QuantityResolver } = {}): RegistryDriver {
  const ringSize = options.ringSize ?? 3_000;
  const registry = createTestRegistry(ringSize, options.resolver);
  const providers = new Map<number, ProviderState>();
  const channels = new Map<number, Map<number, ChannelInfoRecord>>();

  const provider = (hostId: number): ProviderState => {
    const found = providers.get(hostId);
    if (!found) throw new Error(`provider ${hostId} was not added`);
    return found;
  };
  const channelOf = (key: string): ChannelMeta => {
    const meta = registry.getChannel(key);
    if (!meta) throw new Error(`channel ${key} is unknown`);
    return meta;
  };
  const announce = (p: ProviderState, record: ChannelInfoRecord): ChannelMeta => {
    channels.get(p.hostId)?.set(record.channelId, record);
    registry.sink.channelInfo(p, [record]);
    return channelOf(`${p.hostId}:${record.channelId}`);
  };

  return {
    ...registry,
    registry,
    ringSize,
    addProvider(hostId, name, fields = {}) {
      const p = newProviderState(hostId, name, fields);
      providers.set(hostId, p);
      channels.set(hostId, new Map());
      registry.sink.providerChanged(p, 'added');
      return p;
    },
    setProviderOnline(hostId, online) {
      const p = provider(hostId);
      p.online = online;
      registry.sink.providerChanged(p, online ? 'online' : 'offline');
    },
    addChannel(input) {
      const p = provider(input.providerId);
      return announce(p, { channelId: input.channelId, vendor: 0, name: input.name, unit: input.unit ?? 255 });
    },
    renameChannel(key, name) {
      const meta = channelOf(key);
      return announce(provider(meta.providerId), {
        channelId: meta.channelId,
        vendor: meta.vendor,
        name,
        unit: meta.unit,
      });
    },
    removeChannel(key) {
      const meta = registry.getChannel(key);
      if (!meta) return;
      const p = provider(meta.providerId);
      const list = channels.get(p.hostId) ?? new Map<number, ChannelInfoRecord>();
      list.delete(meta.channelId);
      registry.sink.channelsCleared(p);
      if (list.size > 0) registry.sink.channelInfo(p, [...list.values()]);
    },
    push(providerId, values, time = Date.now()) {
      const p = provider(providerId);
      p.valueMessages++;
      p.lastSeen = time;
      const ts = Math.round(time) % 0x1_0000_0000;
      registry.sink.channelValues(
        p,
        time,
        ChannelValuesBatch.from(values.map(([channelId, value]) => ({ channelId, ts, value }))),
      );
    },
  };
}

/** A QuantityResolver over a fixed name -> quantity table whose table tests can change. */
export function createFakeQuantities(initial: Record<string, string>): QuantityResolver & {
  set(name: string, quantity: string | null): void;
} {
  const table = new Map(Object.entries(initial));
  const changes$ = new Subject<void>();
  return {
    quantityOf: (channel) => table.get(channel.name) ?? null,
    changes$: changes$.asObservable(),
    set(name, quantity) {
      if (quantity === null) table.delete(name);
      else table.set(name, quantity);
      changes$.next();
    },
  };
}

/** Channel ids of the probe's channels when both simulated providers' channels are put on one provider. */
const PROBE_ID_OFFSET = 100;

/**
 * The simulator's channel set (names and units as Power Core uses them) on ONE provider, for tests and the
 * benchmark: the dyno's channels keep their ids, the probe's move up by 100 so they stay unique.
 */
export const SIMULATOR_CHANNELS: readonly { channelId: number; name: string; unit: number }[] =
  SIMULATOR_CHANNEL_SPECS.map((spec) => ({
    channelId: spec.provider === DYNO_PROVIDER ? spec.id : spec.id + PROBE_ID_OFFSET,
    name: spec.name,
    unit: spec.unit,
  }));
