import { createLogger } from '../log.js';
import { createRateLimiter } from '../shared/create-rate-limiter.js';
import { createNodeProvider, type NodeProvider } from './node-provider.js';
import { pickEvictionVictim } from './pick-eviction-victim.js';
import { hostHex } from './pick-host-id.js';
import type { NodeCounters } from './types.js';

const log = createLogger('jetdrive');

export interface NodeProviderTableDeps {
  maxProviders: number;
  maxEvictionsPerS: number;
  counters: NodeCounters;
  /** An announced provider was evicted: the sink forgets it. */
  removed(p: NodeProvider): void;
}

/**
 * The node's hosts by id, at most maxProviders: a newcomer to a full table evicts the least valuable host
 * (pickEvictionVictim), at most maxEvictionsPerS per second; otherwise it is refused and counted.
 */
export class NodeProviderTable {
  readonly #providers = new Map<number, NodeProvider>();
  readonly #deps: NodeProviderTableDeps;
  readonly #evictionBudget: ReturnType<typeof createRateLimiter>;

  constructor(deps: NodeProviderTableDeps) {
    this.#deps = deps;
    this.#evictionBudget = createRateLimiter({
      ratePerMin: deps.maxEvictionsPerS * 60,
      burst: Math.max(1, deps.maxEvictionsPerS),
      maxClients: 1,
    });
  }

  get size(): number {
    return this.#providers.size;
  }

  get(host: number): NodeProvider | undefined {
    return this.#providers.get(host);
  }

  /** Still the table's entry for its host (not evicted meanwhile). */
  holds(p: NodeProvider): boolean {
    return this.#providers.get(p.hostId) === p;
  }

  values(): IterableIterator<NodeProvider> {
    return this.#providers.values();
  }

  hostIds(): IterableIterator<number> {
    return this.#providers.keys();
  }

  /**
   * The provider for `host`, admitted when new (`crowded` tells the caller it came in by eviction); null when the
   * table is full and no host may be evicted now (counted as a `providers` drop).
   */
  admit(
    host: number,
    from: { address: string; port: number },
    t: number,
  ): { p: NodeProvider; isNew: boolean; crowded: boolean } | null {
    const existing = this.#providers.get(host);
    if (existing) return { p: existing, isNew: false, crowded: false };
    const crowded = this.#providers.size >= this.#deps.maxProviders;
    if (crowded && !this.#evict(t)) {
      const drops = this.#deps.counters.drops;
      drops.providers = (drops.providers ?? 0) + 1;
      return null;
    }
    const p = createNodeProvider(host, from, t);
    this.#providers.set(host, p);
    const fields = { provider: hostHex(host), address: from.address };
    // Rogue hosts churning through a full table would otherwise each cost a log line: debug for those.
    if (crowded) log.debug(fields, `new JetDrive host ${hostHex(host)} at ${from.address}`);
    else log.info(fields, `new JetDrive host ${hostHex(host)} at ${from.address}`);
    return { p, isNew: true, crowded };
  }

  #evict(t: number): boolean {
    const victim = pickEvictionVictim(this.#providers.values());
    if (victim === null || !this.#evictionBudget.take('evict', t).ok) return false;
    const counters = this.#deps.counters;
    this.#providers.delete(victim.hostId);
    counters.evictions++;
    if (victim.announced) this.#deps.removed(victim);
    // Squatting hosts evict each other at their own pace: one line per 100 evictions, not one per host.
    const message = `provider table full: forgot ${victim.online ? 'online' : 'offline'} provider ${victim.name} to make room (${counters.evictions} evictions so far)`;
    const fields = { provider: hostHex(victim.hostId), online: victim.online, evictions: counters.evictions };
    if (counters.evictions === 1 || counters.evictions % 100 === 0) log.warn(fields, message);
    else log.debug(fields, message);
    return true;
  }

  incompatible(): { hostId: number; hostHex: string; name: string; version: number | null }[] {
    return [...this.#providers.values()]
      .filter((p) => p.incompatible)
      .map((p) => ({ hostId: p.hostId, hostHex: hostHex(p.hostId), name: p.name, version: p.version }));
  }
}
