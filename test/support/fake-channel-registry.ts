import { BehaviorSubject, EMPTY, type Observable, Subject } from 'rxjs';
import type {
  CatalogEvent,
  CatalogSnapshot,
  ChannelKey,
  ChannelMeta,
  ChannelRegistry,
  IngestStats,
  ProviderSnapshot,
  Sample,
  SampleBatch,
} from '../../server/channels/types.js';
import { UNIT_LABELS } from '../../server/protocol/types.js';

// A test double of the channel registry: providers and channels are declared directly and samples pushed by hand,
// so HTTP and mapping tests run without UDP. `populateSimulatorChannels` fills it with the simulated dyno's channel
// set (issue 4: names, unit bytes, two providers with overlapping channel ids) and realistic SI values.

export interface FakeChannelSpec {
  id: number;
  name: string;
  unit: number;
}

export interface FakeChannelRegistry extends ChannelRegistry {
  addProvider(hostId: number, name: string, channels: readonly FakeChannelSpec[], address?: string): ProviderSnapshot;
  push(key: ChannelKey, value: number, time: number): void;
  setStats(patch: Partial<IngestStats>): void;
  keyOf(providerName: string, channelName: string): ChannelKey;
  readonly historySize: number;
}

const emptyStats = (): IngestStats => ({
  datagrams: 0,
  bytes: 0,
  malformed: {},
  unknownKeys: 0,
  trailingBytes: 0,
  partialRecords: 0,
  ignored: { ownMessages: 0, fromAllHosts: 0, notForUs: 0, incompatible: 0 },
  samples: 0,
  drops: {},
  providers: {},
});

export function createFakeChannelRegistry(historySize = 200): FakeChannelRegistry {
  const providers = new Map<number, ProviderSnapshot>();
  const channels = new Map<ChannelKey, ChannelMeta>();
  const rings = new Map<ChannelKey, Sample[]>();
  let version = 0;
  let stats = emptyStats();
  const snapshot = (): CatalogSnapshot => ({
    version,
    providers: [...providers.values()],
    channels: [...channels.values()],
  });
  const catalog$ = new BehaviorSubject<CatalogSnapshot>(snapshot());
  const samples$ = new Subject<SampleBatch>();
  const events$ = new Subject<CatalogEvent>();
  const bump = () => {
    version++;
    catalog$.next(snapshot());
  };

  return {
    historySize,
    catalog$: catalog$.asObservable(),
    samples$: samples$.asObservable(),
    events$: events$.asObservable(),
    channel$: (): Observable<Sample> => EMPTY,
    catalog: snapshot,
    getChannel: (key) => channels.get(key),
    history(key, sinceMs) {
      const ring = rings.get(key) ?? [];
      return sinceMs === undefined ? ring : ring.filter((sample) => sample.time >= sinceMs);
    },
    stats: () => structuredClone(stats),
    setStats(patch) {
      stats = { ...stats, ...patch };
    },
    addProvider(hostId, name, specs, address = '127.0.0.1') {
      const now = Date.now();
      const provider: ProviderSnapshot = {
        hostId,
        hostHex: `0x${hostId.toString(16).toUpperCase().padStart(4, '0')}`,
        name,
        address,
        port: 22344,
        online: true,
        incompatible: false,
        version: 1,
        channelCount: specs.length,
        clock: { synced: true, offsetMs: 12, latencyMs: 0.4 },
        seq: { received: 0, dropped: 0, outOfOrder: 0, first: 1, duplicates: 0 },
        firstSeen: now,
        lastSeen: now,
      };
      providers.set(hostId, provider);
      for (const spec of specs) {
        const key = `${hostId}:${spec.id}`;
        const meta: ChannelMeta = {
          key,
          providerId: hostId,
          providerName: name,
          channelId: spec.id,
          name: spec.name,
          displayName: spec.name,
          unit: spec.unit,
          unitLabel: UNIT_LABELS[spec.unit] ?? '',
          vendor: 0,
          provisional: false,
          firstSeen: now,
          lastSeen: null,
          lastValue: null,
          lastTime: null,
          rateHz: 0,
          min: null,
          max: null,
          sampleCount: 0,
        };
        channels.set(key, meta);
        rings.set(key, []);
        events$.next({ type: 'channel:added', channel: meta });
      }
      // Same channel name on two providers: display names disambiguate, as the real registry does.
      const byName = new Map<string, ChannelMeta[]>();
      for (const meta of channels.values()) byName.set(meta.name, [...(byName.get(meta.name) ?? []), meta]);
      for (const group of byName.values()) {
        for (const meta of group) meta.displayName = group.length > 1 ? `${meta.providerName}/${meta.name}` : meta.name;
      }
      events$.next({ type: 'provider:online', provider });
      bump();
      return provider;
    },
    push(key, value, time) {
      const meta = channels.get(key);
      if (!meta) throw new Error(`fake registry: no channel ${key}`);
      const sample: Sample = {
        key: meta.key,
        providerId: meta.providerId,
        channelId: meta.channelId,
        value,
        time,
        providerTs: time % 2 ** 32,
      };
      const ring = rings.get(key) ?? [];
      ring.push(sample);
      if (ring.length > historySize) ring.shift();
      rings.set(key, ring);
      meta.lastValue = value;
      meta.lastTime = time;
      meta.lastSeen = time;
      meta.sampleCount++;
      if (Number.isFinite(value)) {
        meta.min = meta.min === null ? value : Math.min(meta.min, value);
        meta.max = meta.max === null ? value : Math.max(meta.max, value);
      }
      const first = ring[0];
      meta.rateHz = ring.length > 1 && time > first.time ? ((ring.length - 1) * 1000) / (time - first.time) : 0;
      const provider = providers.get(meta.providerId);
      if (provider) {
        provider.lastSeen = time;
        provider.seq.received++;
      }
      stats.samples++;
      samples$.next({ providerId: meta.providerId, receivedAt: time, samples: [sample] });
    },
    keyOf(providerName, channelName) {
      for (const meta of channels.values()) {
        if (meta.providerName === providerName && meta.name === channelName) return meta.key;
      }
      throw new Error(`fake registry: no channel ${providerName}/${channelName}`);
    },
  };
}

export const DYNO_PROVIDER = 'Simulated Dyno';
export const ATMO_PROVIDER = 'Atmospheric Probe';

/** The simulated dyno's channels (issue 4) with the quantity each must map to. */
export const SIMULATOR_CHANNELS: readonly (FakeChannelSpec & { provider: string; quantity: string })[] = [
  { provider: DYNO_PROVIDER, id: 1, name: 'Digital RPM 1', unit: 8, quantity: 'rpm' },
  { provider: DYNO_PROVIDER, id: 2, name: 'Digital RPM 2', unit: 8, quantity: 'rpm_2' },
  { provider: DYNO_PROVIDER, id: 3, name: 'Force Drum 1', unit: 3, quantity: 'force' },
  { provider: DYNO_PROVIDER, id: 4, name: 'Power', unit: 4, quantity: 'power' },
  { provider: DYNO_PROVIDER, id: 5, name: 'Torque', unit: 5, quantity: 'torque' },
  { provider: DYNO_PROVIDER, id: 6, name: 'Speed', unit: 2, quantity: 'speed' },
  { provider: DYNO_PROVIDER, id: 7, name: 'Acceleration', unit: 10, quantity: 'acceleration' },
  { provider: DYNO_PROVIDER, id: 8, name: 'Air/Fuel Ratio 1', unit: 11, quantity: 'afr_front' },
  { provider: DYNO_PROVIDER, id: 9, name: 'Air/Fuel Ratio 2', unit: 11, quantity: 'afr_rear' },
  { provider: DYNO_PROVIDER, id: 10, name: 'Lambda 1', unit: 13, quantity: 'lambda_front' },
  { provider: DYNO_PROVIDER, id: 11, name: 'MAP', unit: 7, quantity: 'map' },
  { provider: DYNO_PROVIDER, id: 12, name: 'TPS', unit: 16, quantity: 'tps' },
  { provider: DYNO_PROVIDER, id: 13, name: 'Engine Temp', unit: 6, quantity: 'ect' },
  { provider: DYNO_PROVIDER, id: 14, name: 'IAT', unit: 6, quantity: 'iat' },
  { provider: DYNO_PROVIDER, id: 15, name: 'VBatt', unit: 14, quantity: 'vbatt' },
  { provider: DYNO_PROVIDER, id: 16, name: 'Correction Factor', unit: 255, quantity: 'correction_factor' },
  { provider: ATMO_PROVIDER, id: 1, name: 'Humidity', unit: 16, quantity: 'humidity' },
  { provider: ATMO_PROVIDER, id: 2, name: 'Pressure', unit: 7, quantity: 'baro' },
  { provider: ATMO_PROVIDER, id: 3, name: 'Temperature 1', unit: 6, quantity: 'ambient_temp' },
];

/**
 * SI values of a wide-open-throttle pull at progress p (0 idle … 1 redline) for an M8-114-like engine: what the
 * simulator puts on the wire (kW, N·m, N, km/h, °C, kPa).
 */
export function simulatorValue(name: string, p: number, jitter: number): number {
  const rpm = 900 + p * 4900;
  const torqueNm = p === 0 ? 0 : 140 + 25 * Math.sin(Math.PI * p);
  const table: Record<string, number> = {
    'Digital RPM 1': rpm,
    'Digital RPM 2': rpm * 0.98,
    'Force Drum 1': torqueNm * 4.1,
    Power: (torqueNm * rpm * 2 * Math.PI) / 60_000,
    Torque: torqueNm,
    Speed: 12 + p * 160,
    Acceleration: p === 0 ? 0 : 18 - 8 * p,
    'Air/Fuel Ratio 1': p === 0 ? 14 : 12.9,
    'Air/Fuel Ratio 2': p === 0 ? 14.1 : 13,
    'Lambda 1': p === 0 ? 0.952 : 0.878,
    MAP: 30 + p * 68,
    TPS: p === 0 ? 2 : 98,
    'Engine Temp': 82 + p * 6,
    IAT: 32 + p * 3,
    VBatt: 13.6,
    'Correction Factor': 1.012,
    Humidity: 48,
    Pressure: 101.3,
    'Temperature 1': 23.9,
  };
  const base = table[name];
  if (base === undefined) throw new Error(`simulatorValue: unknown channel ${name}`);
  // Atmospheric values stay still; engine values carry noise proportional to their size.
  const still =
    name === 'Pressure' ||
    name === 'Humidity' ||
    name === 'Temperature 1' ||
    name === 'Correction Factor' ||
    name === 'VBatt';
  return still ? base + jitter * 0.02 : base * (1 + jitter * 0.003);
}

export interface PopulateOptions {
  /** Force every unit byte to this value (255: name only). */
  unitOverride?: number;
  samples?: number;
  startTime?: number;
  dynoHostId?: number;
  atmoHostId?: number;
}

/** Adds both simulator providers and `samples` values per channel (idle first, then a pull), 20 ms apart. */
export function populateSimulatorChannels(registry: FakeChannelRegistry, options: PopulateOptions = {}): void {
  const samples = options.samples ?? 60;
  const start = options.startTime ?? Date.now() - samples * 20;
  const hosts: Record<string, number> = {
    [DYNO_PROVIDER]: options.dynoHostId ?? 0x43fd,
    [ATMO_PROVIDER]: options.atmoHostId ?? 0x43fe,
  };
  for (const provider of [DYNO_PROVIDER, ATMO_PROVIDER]) {
    registry.addProvider(
      hosts[provider],
      provider,
      SIMULATOR_CHANNELS.filter((spec) => spec.provider === provider).map((spec) => ({
        id: spec.id,
        name: spec.name,
        unit: options.unitOverride ?? spec.unit,
      })),
    );
  }
  for (let i = 0; i < samples; i++) {
    const p = i < samples / 3 ? 0 : (i - samples / 3) / (samples - samples / 3);
    const jitter = Math.sin(i * 1.7);
    for (const spec of SIMULATOR_CHANNELS) {
      registry.push(registry.keyOf(spec.provider, spec.name), simulatorValue(spec.name, p, jitter), start + i * 20);
    }
  }
}
