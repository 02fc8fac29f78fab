import { BehaviorSubject, filter, mergeMap, type Observable, Subject } from 'rxjs';
import { assignDisplayNames } from '../../server/channels/assign-display-names.js';
import type {
  CatalogEvent,
  CatalogSnapshot,
  ChannelMeta,
  ChannelRegistry,
  ChannelSelector,
  IngestStats,
  ProviderSnapshot,
  QuantityResolver,
  Sample,
  SampleBatch,
} from '../../server/channels/types.js';
import { createSampleBatch, toSamples } from '../../server/channels/sample-batch.js';
import { createNodeCounters } from '../../server/jetdrive/create-node-counters.js';
import { hostHex } from '../../server/jetdrive/pick-host-id.js';
import { channelMeta } from './channel-meta.js';
import { DYNO_PROVIDER, SIMULATOR_CHANNELS as SIMULATOR_CHANNEL_SPECS } from './simulator-channels.js';

// The one ChannelRegistry test double, driven by hand: tests announce providers/channels and push batches, exactly
// as the ingest would (one SampleBatch per datagram, catalog events before samples of a new channel). Channel state
// (last value, min/max, rate, ring) and display names follow the real registry's rules.

export interface FakeChannelInput {
  providerId: number;
  channelId: number;
  name: string;
  unit?: number;
  unitLabel?: string;
}

/** Provider fields a test may set instead of the defaults (an online, unsynced provider on 127.0.0.1). */
export type FakeProviderFields = Partial<Omit<ProviderSnapshot, 'hostId' | 'hostHex' | 'name'>>;

export interface FakeRegistry extends ChannelRegistry {
  addProvider(hostId: number, name: string, fields?: FakeProviderFields): ProviderSnapshot;
  setProviderOnline(hostId: number, online: boolean): void;
  addChannel(input: FakeChannelInput): ChannelMeta;
  renameChannel(key: string, name: string): ChannelMeta;
  removeChannel(key: string): void;
  /** Pushes one batch (one "datagram") of [channelId, value] pairs from one provider. */
  push(providerId: number, values: readonly (readonly [number, number])[], time?: number): SampleBatch;
  readonly ringSize: number;
}

function emptyStats(): IngestStats {
  const { collisions: _collisions, sent: _sent, ...counters } = createNodeCounters();
  return { ...counters, samples: 0, staleSamples: 0, providers: {} };
}

export function createFakeRegistry(options: { ringSize?: number } = {}): FakeRegistry {
  const ringSize = options.ringSize ?? 3_000;
  const providers = new Map<number, ProviderSnapshot>();
  const channels = new Map<string, ChannelMeta>();
  const rings = new Map<string, Sample[]>();
  const samples$ = new Subject<SampleBatch>();
  const events$ = new Subject<CatalogEvent>();
  let version = 0;
  let sampleCount = 0;

  function snapshot(): CatalogSnapshot {
    return { version, providers: [...providers.values()], channels: [...channels.values()] };
  }
  const catalog$ = new BehaviorSubject<CatalogSnapshot>(snapshot());

  function changed(event: CatalogEvent): void {
    version++;
    events$.next(event);
    catalog$.next(snapshot());
  }

  function assignNames(): void {
    assignDisplayNames(
      [...channels.values()].map((meta) => ({ meta, online: providers.get(meta.providerId)?.online ?? false })),
    );
  }

  function provider(hostId: number): ProviderSnapshot {
    const found = providers.get(hostId);
    if (!found) throw new Error(`provider ${hostHex(hostId)} was not added`);
    return found;
  }

  function record(meta: ChannelMeta, sample: Sample): void {
    const ring = rings.get(meta.key);
    if (ring) {
      ring.push(sample);
      if (ring.length > ringSize) ring.shift();
      const first = ring[0];
      meta.rateHz =
        ring.length > 1 && sample.time > first.time ? ((ring.length - 1) * 1000) / (sample.time - first.time) : 0;
    }
    meta.lastValue = sample.value;
    meta.lastTime = sample.time;
    meta.lastSeen = sample.time;
    meta.sampleCount++;
    if (Number.isFinite(sample.value)) {
      meta.min = meta.min === null ? sample.value : Math.min(meta.min, sample.value);
      meta.max = meta.max === null ? sample.value : Math.max(meta.max, sample.value);
    }
  }

  const registry: FakeRegistry = {
    ringSize,
    catalog$: catalog$.asObservable(),
    samples$: samples$.asObservable(),
    events$: events$.asObservable(),
    channel$(selector: ChannelSelector): Observable<Sample> {
      const matches =
        typeof selector === 'function'
          ? selector
          : (channel: ChannelMeta) => channel.name === selector || channel.displayName === selector;
      return samples$.pipe(
        mergeMap((batch) => toSamples(batch)),
        filter((sample) => {
          const meta = channels.get(sample.key);
          return meta !== undefined && matches(meta);
        }),
      );
    },
    catalog: snapshot,
    providers: () => [...providers.values()],
    channelCount: () => channels.size,
    getChannel: (key) => channels.get(key),
    history(key, sinceMs) {
      const ring = rings.get(key) ?? [];
      return sinceMs === undefined ? [...ring] : ring.filter((sample) => sample.time >= sinceMs);
    },
    stats: () => ({ ...emptyStats(), samples: sampleCount }),
    addProvider(hostId, name, fields = {}) {
      const now = Date.now();
      const created: ProviderSnapshot = {
        address: '127.0.0.1',
        port: 22344,
        online: true,
        incompatible: false,
        version: 1,
        channelCount: 0,
        clock: { synced: false, offsetMs: null, latencyMs: null },
        seq: { received: 0, dropped: 0, outOfOrder: 0, first: 0, duplicates: 0 },
        firstSeen: now,
        lastSeen: now,
        ...fields,
        hostId,
        hostHex: hostHex(hostId),
        name,
      };
      providers.set(hostId, created);
      changed({ type: 'provider:online', provider: created });
      return created;
    },
    setProviderOnline(hostId, online) {
      const updated = { ...provider(hostId), online };
      providers.set(hostId, updated);
      assignNames();
      changed({ type: online ? 'provider:online' : 'provider:offline', provider: updated });
    },
    addChannel(input) {
      const owner = provider(input.providerId);
      const meta = channelMeta({ ...input, providerName: owner.name, firstSeen: Date.now() });
      channels.set(meta.key, meta);
      rings.set(meta.key, []);
      providers.set(owner.hostId, { ...owner, channelCount: owner.channelCount + 1 });
      assignNames();
      changed({ type: 'channel:added', channel: meta });
      return meta;
    },
    renameChannel(key, name) {
      const meta = channels.get(key);
      if (!meta) throw new Error(`channel ${key} is unknown`);
      const renamed = { ...meta, name };
      channels.set(key, renamed);
      assignNames();
      changed({ type: 'channel:renamed', channel: renamed, previousName: meta.name });
      return renamed;
    },
    removeChannel(key) {
      const meta = channels.get(key);
      if (!meta) return;
      channels.delete(key);
      rings.delete(key);
      assignNames();
      changed({ type: 'channel:removed', channel: meta });
    },
    push(providerId, values, time = Date.now()) {
      const batch: SampleBatch = createSampleBatch(values.length);
      batch.providerId = providerId;
      batch.receivedAt = time;
      for (const [channelId, value] of values) {
        const key = `${providerId}:${channelId}`;
        const meta = channels.get(key);
        if (!meta) throw new Error(`channel ${key} was not added`);
        const sample: Sample = {
          key: meta.key,
          providerId,
          channelId,
          value,
          time,
          providerTs: Math.round(time) % 0x1_0000_0000,
        };
        const n = batch.count++;
        batch.keys[n] = sample.key;
        batch.channelIds[n] = channelId;
        batch.times[n] = time;
        batch.values[n] = value;
        batch.providerTs[n] = sample.providerTs;
        record(meta, sample);
      }
      const owner = providers.get(providerId);
      if (owner) {
        owner.lastSeen = time;
        owner.seq.received++;
      }
      sampleCount += batch.count;
      samples$.next(batch);
      return batch;
    },
  };
  return registry;
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
