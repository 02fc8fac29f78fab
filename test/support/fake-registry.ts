import { BehaviorSubject, filter, mergeMap, type Observable, Subject } from 'rxjs';
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

// A ChannelRegistry test double driven by hand: tests announce providers/channels and push batches, exactly as the
// ingest would (one SampleBatch per datagram, catalog events before samples of a new channel).

export interface FakeChannelInput {
  providerId: number;
  channelId: number;
  name: string;
  unit?: number;
  unitLabel?: string;
}

export interface FakeRegistry extends ChannelRegistry {
  addProvider(hostId: number, name: string): ProviderSnapshot;
  setProviderOnline(hostId: number, online: boolean): void;
  addChannel(input: FakeChannelInput): ChannelMeta;
  renameChannel(key: string, name: string): ChannelMeta;
  removeChannel(key: string): void;
  /** Pushes one batch (one "datagram") of [channelId, value] pairs from one provider. */
  push(providerId: number, values: readonly (readonly [number, number])[], time?: number): SampleBatch;
  readonly ringSize: number;
}

const UNIT_LABELS: Record<number, string> = { 8: 'RPM', 11: 'AFR', 16: '%', 7: 'kPa', 4: 'kW', 5: 'N·m', 255: '' };

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

  function displayNameOf(name: string, providerId: number): string {
    const clash = [...channels.values()].some((other) => other.name === name && other.providerId !== providerId);
    return clash ? `${providers.get(providerId)?.name ?? 'Provider'}/${name}` : name;
  }

  function provider(hostId: number): ProviderSnapshot {
    const found = providers.get(hostId);
    if (!found) throw new Error(`provider 0x${hostId.toString(16)} was not added`);
    return found;
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
        mergeMap((batch) => batch.samples),
        filter((sample) => {
          const meta = channels.get(sample.key);
          return meta !== undefined && matches(meta);
        }),
      );
    },
    catalog: snapshot,
    getChannel: (key) => channels.get(key),
    history(key, sinceMs) {
      const ring = rings.get(key) ?? [];
      return sinceMs === undefined ? [...ring] : ring.filter((sample) => sample.time >= sinceMs);
    },
    stats(): IngestStats {
      return {
        datagrams: 0,
        bytes: 0,
        malformed: {},
        unknownKeys: 0,
        trailingBytes: 0,
        partialRecords: 0,
        ignored: { ownMessages: 0, fromAllHosts: 0, notForUs: 0, incompatible: 0 },
        samples: sampleCount,
        drops: {},
        providers: {},
      };
    },
    addProvider(hostId, name) {
      const now = Date.now();
      const created: ProviderSnapshot = {
        hostId,
        hostHex: `0x${hostId.toString(16).toUpperCase().padStart(4, '0')}`,
        name,
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
      };
      providers.set(hostId, created);
      changed({ type: 'provider:online', provider: created });
      return created;
    },
    setProviderOnline(hostId, online) {
      const updated = { ...provider(hostId), online };
      providers.set(hostId, updated);
      changed({ type: online ? 'provider:online' : 'provider:offline', provider: updated });
    },
    addChannel(input) {
      const owner = provider(input.providerId);
      const unit = input.unit ?? 255;
      const meta: ChannelMeta = {
        key: `${input.providerId}:${input.channelId}`,
        providerId: input.providerId,
        providerName: owner.name,
        channelId: input.channelId,
        name: input.name,
        displayName: displayNameOf(input.name, input.providerId),
        unit,
        unitLabel: input.unitLabel ?? UNIT_LABELS[unit] ?? '',
        vendor: 0,
        provisional: false,
        firstSeen: Date.now(),
        lastSeen: null,
        lastValue: null,
        lastTime: null,
        rateHz: 0,
        min: null,
        max: null,
        sampleCount: 0,
      };
      channels.set(meta.key, meta);
      rings.set(meta.key, []);
      providers.set(owner.hostId, { ...owner, channelCount: owner.channelCount + 1 });
      changed({ type: 'channel:added', channel: meta });
      return meta;
    },
    renameChannel(key, name) {
      const meta = channels.get(key);
      if (!meta) throw new Error(`channel ${key} is unknown`);
      const renamed = { ...meta, name, displayName: displayNameOf(name, meta.providerId) };
      channels.set(key, renamed);
      changed({ type: 'channel:renamed', channel: renamed, previousName: meta.name });
      return renamed;
    },
    removeChannel(key) {
      const meta = channels.get(key);
      if (!meta) return;
      channels.delete(key);
      rings.delete(key);
      changed({ type: 'channel:removed', channel: meta });
    },
    push(providerId, values, time = Date.now()) {
      const batch: SampleBatch = { providerId, receivedAt: time, samples: [] };
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
        batch.samples.push(sample);
        const ring = rings.get(key);
        if (ring) {
          ring.push(sample);
          if (ring.length > ringSize) ring.shift();
        }
        meta.lastValue = value;
        meta.lastTime = time;
        meta.lastSeen = time;
        meta.sampleCount++;
      }
      sampleCount += batch.samples.length;
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

/** The simulator's channel set (names as Power Core uses them) for tests and the benchmark. */
export const SIMULATOR_CHANNELS: readonly { channelId: number; name: string; unit: number }[] = [
  { channelId: 42, name: 'Digital RPM 1', unit: 8 },
  { channelId: 43, name: 'Digital RPM 2', unit: 8 },
  { channelId: 39, name: 'Force Drum 1', unit: 3 },
  { channelId: 40, name: 'Acceleration', unit: 10 },
  { channelId: 23, name: 'Air/Fuel Ratio 1', unit: 11 },
  { channelId: 28, name: 'Air/Fuel Ratio 2', unit: 11 },
  { channelId: 100, name: 'Torque', unit: 5 },
  { channelId: 101, name: 'Power', unit: 4 },
  { channelId: 102, name: 'MAP kPa', unit: 7 },
  { channelId: 103, name: 'TPS', unit: 16 },
  { channelId: 104, name: 'IAT', unit: 6 },
  { channelId: 105, name: 'VBatt', unit: 14 },
  { channelId: 106, name: 'Speed', unit: 2 },
  { channelId: 107, name: 'Lambda 1', unit: 13 },
  { channelId: 108, name: 'Lambda 2', unit: 13 },
  { channelId: 109, name: 'AFR Target', unit: 11 },
  { channelId: 110, name: 'Humidity', unit: 16 },
  { channelId: 111, name: 'Pressure', unit: 7 },
  { channelId: 112, name: 'Temperature 1', unit: 6 },
];
