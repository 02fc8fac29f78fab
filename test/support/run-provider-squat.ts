import { rogueHostIds, startSquatters } from './rogue-hosts.js';
import { ATMO_PROVIDER, DYNO_PROVIDER } from './simulator-channels.js';
import type { TestHub } from './start-test-hub.js';
import { createTestProvider } from './test-jetdrive-provider.js';
import { sleep, until } from './until.js';

// Issue 13 §2: 62 rogue hosts fill the 64-provider table (the simulator holds the other two), then a real provider
// starts. Measured before the fix: the real provider was refused for the whole 12 s.

export const SQUATTERS = 62;
const NEW_PROVIDER = 0x5ea1;

export interface SquatFigures {
  /** The table held 64 hosts before the real provider spoke. */
  tableFull: boolean;
  /** ms from the real provider's first frame until its channel had a sample in the catalog; null if never. */
  admittedAfterMs: number | null;
  /** Checks (every 300 ms) during which its channel was in the catalog, of all checks. */
  presentChecks: number;
  checks: number;
  evictions: number;
  refused: number;
  simulatorProviders: number;
}

export async function runProviderSquat(t: TestHub, durationMs: number): Promise<SquatFigures> {
  const node = t.hub.ingest.node;
  const registry = t.hub.ingest.registry;
  const squatters = await startSquatters(t.jetdrivePort, rogueHostIds(SQUATTERS), 100, durationMs + 10_000);
  const provider = await createTestProvider({
    port: t.jetdrivePort,
    hostId: NEW_PROVIDER,
    name: 'New Probe',
    channels: [{ channelId: 1, vendor: 0, name: 'Humidity', unit: 16 }],
  });
  try {
    // Full of hosts that are online (offline ones were always evictable).
    const online = () => node.providers().filter((p) => p.online).length;
    const tableFull = await until(() => online() >= 64, 10_000, 'the provider table to fill').then(
      () => true,
      () => false,
    );
    const present = () => (registry.getChannel(`${NEW_PROVIDER}:1`)?.sampleCount ?? 0) > 0;
    const started = Date.now();
    let admittedAfterMs: number | null = null;
    let presentChecks = 0;
    let checks = 0;
    // The real provider announces itself and streams at 10 Hz for the whole test (bounded by count).
    for (let i = 0; i < durationMs / 100; i++) {
      if (i % 10 === 0) await provider.sendInfo();
      await provider.sendValues([{ channelId: 1, value: 40 + (i % 5) }]);
      if (admittedAfterMs === null && present()) admittedAfterMs = Date.now() - started;
      if (i % 3 === 0) {
        checks++;
        if (present()) presentChecks++;
      }
      await sleep(100);
    }
    const stats = registry.stats();
    return {
      tableFull,
      admittedAfterMs,
      presentChecks,
      checks,
      evictions: stats.evictions ?? 0,
      refused: stats.drops.providers ?? 0,
      simulatorProviders: registry
        .catalog()
        .providers.filter((p) => (p.name === DYNO_PROVIDER || p.name === ATMO_PROVIDER) && p.online).length,
    };
  } finally {
    await provider.close();
    await squatters.stop();
  }
}
