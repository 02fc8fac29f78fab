import type { ChannelKey, ChannelRegistry, ProviderSnapshot } from '../../server/channels/types.js';
import { createRegistryDriver, syncedClock } from './registry-driver.js';
import { ATMO_PROVIDER, DYNO_PROVIDER, SIMULATOR_CHANNELS, simulatorValue } from './simulator-channels.js';

// The real registry, driven through registry-driver.ts, seen the way HTTP and mapping tests use it: a provider is declared with its
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
  const driver = createRegistryDriver({ ringSize: historySize });
  return {
    catalog$: driver.catalog$,
    samples$: driver.samples$,
    events$: driver.events$,
    channel$: driver.channel$,
    catalog: driver.catalog,
    forEachChannel: driver.forEachChannel,
    providers: driver.providers,
    channelCount: driver.channelCount,
    getChannel: driver.getChannel,
    history: driver.history,
    stats: driver.stats,
    historySize,
    addProvider(hostId, name, specs, address = '127.0.0.1') {
      driver.addProvider(hostId, name, { address, clock: syncedClock(12, 0.4) });
      for (const spec of specs)
        driver.addChannel({ providerId: hostId, channelId: spec.id, name: spec.name, unit: spec.unit });
      const provider = driver.catalog().providers.find((candidate) => candidate.hostId === hostId);
      if (!provider) throw new Error(`driver registry lost provider ${name}`);
      return provider;
    },
    push(key, value, time) {
      const meta = driver.getChannel(key);
      if (!meta) throw new Error(`driver registry: no channel ${key}`);
      driver.push(meta.providerId, [[meta.channelId, value]], time);
    },
    keyOf(providerName, channelName) {
      const meta = driver
        .catalog()
        .channels.find((candidate) => candidate.providerName === providerName && candidate.name === channelName);
      if (!meta) throw new Error(`driver registry: no channel ${providerName}/${channelName}`);
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
