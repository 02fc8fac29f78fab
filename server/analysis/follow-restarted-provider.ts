import type { ChannelMeta, ChannelRegistry } from '../channels/index.js';
import { createLogger } from '../log.js';
import type { LiveAnalysis } from './live-analysis.js';
import { resolveAnalysisChannels } from './resolve-analysis-channels.js';

// A dyno that restarts comes back under a new host id with the same name. An analysis started by the provider's name
// follows it there (once the new host has announced the channels it reads), so a tuner's grid survives a power cycle
// of the dyno; one started by host id names that host only and stays with it.

const log = createLogger('analysis');

export interface FollowDeps {
  registry: Pick<ChannelRegistry, 'providers' | 'catalog'>;
  quantityOf: (channel: ChannelMeta) => string | null;
}

/** Rebinds every running analysis `byName` whose provider is offline or gone to an online one of the same name. */
export function followRestartedProviders(
  deps: FollowDeps,
  analyses: Iterable<LiveAnalysis>,
  byName: ReadonlySet<string>,
): void {
  const providers = deps.registry.providers();
  for (const a of analyses) {
    if (a.status !== 'running' || !byName.has(a.id)) continue;
    if (providers.some((p) => p.hostId === a.provider.hostId && p.online)) continue;
    const name = a.provider.name.trim().toLowerCase();
    const next = providers.find(
      (p) => p.online && p.hostId !== a.provider.hostId && p.name.trim().toLowerCase() === name,
    );
    if (!next) continue;
    const channels = deps.registry
      .catalog()
      .channels.map((c) => ({ key: c.key, providerId: c.providerId, quantity: deps.quantityOf(c) }));
    try {
      const resolved = resolveAnalysisChannels(providers, channels, next.hostId, a.load);
      const before = a.rebinds;
      a.rebind(resolved.provider, resolved.channels);
      if (a.rebinds > before)
        log.info({ analysis: a.id, host: next.hostId }, 'analysis %s follows %s to a new host id', a.id, next.name);
    } catch {
      // Its channels are not all announced yet: the next announcement tries again.
    }
  }
}
