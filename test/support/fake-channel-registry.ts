import type { ChannelKey, ChannelRegistry, ProviderSnapshot } from '../../server/channels/types.js';
import { createFakeRegistry } from './fake-registry.js';
import { ATMO_PROVIDER, DYNO_PROVIDER, SIMULATOR_CHANNELS, simulatorValue } from './simulator-channels.js';

// The fake registry (fake-registry.ts) seen the way HTTP and mapping tests use it: a provider is declared with its
// channels in one call and samples are pushed one at a time by channel key. `populateSimulatorChannels` fills it
// with the simulated dyno's two providers (overlapping channel ids) and realistic SI values.

export interface FakeChannelSpec {
  id: number;
  name: string;
  unit: number;
}

export interface FakeChannelRegistry extends ChannelRegistry {
  addProvider(hostId: number, name: string, channels: readonly FakeChannelSpec[], address?: string): ProviderSnapshot;
  push(key: ChannelKey, value: number, time: number): void;
  keyOf(providerName: string, channelName: string): ChannelKey;
  readonly historySize: number;
}

export function createFakeChannelRegistry(historySize = 200): FakeChannelRegistry {
  const fake = createFakeRegistry({ ringSize: historySize });
  return {
    catalog$: fake.catalog$,
    samples$: fake.samples$,
    events$: fake.events$,
    channel$: fake.channel$,
    catalog: fake.catalog,
    providers: fake.providers,
    channelCount: fake.channelCount,
    getChannel: fake.getChannel,
    history: fake.history,
    stats: fake.stats,
    historySize,
    addProvider(hostId, name, specs, address = '127.0.0.1') {
      fake.addProvider(hostId, name, {
        address,
        clock: { synced: true, offsetMs: 12, latencyMs: 0.4 },
        seq: { received: 0, dropped: 0, outOfOrder: 0, first: 1, duplicates: 0 },
      });
      for (const spec of specs)
        fake.addChannel({ providerId: hostId, channelId: spec.id, name: spec.name, unit: spec.unit });
      const provider = fake.catalog().providers.find((candidate) => candidate.hostId === hostId);
      if (!provider) throw new Error(`fake registry lost provider ${name}`);
      return provider;
    },
    push(key, value, time) {
      const meta = fake.getChannel(key);
      if (!meta) throw new Error(`fake registry: no channel ${key}`);
      fake.push(meta.providerId, [[meta.channelId, value]], time);
    },
    keyOf(providerName, channelName) {
      const meta = fake
        .catalog()
        .channels.find((candidate) => candidate.providerName === providerName && candidate.name === channelName);
      if (!meta) throw new Error(`fake registry: no channel ${providerName}/${channelName}`);
      return meta.key;
    },
  };
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
