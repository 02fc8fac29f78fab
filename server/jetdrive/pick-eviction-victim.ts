// Which provider to forget when the table is full and a new host speaks. Host ids are free to forge, so a table
// that only admits while there is room can be squatted: the issue-13 round filled 62 of 64 slots with rogue hosts
// and a real provider was refused for the whole test. Providers are ranked by what they gave us; the least valuable
// one, least recently active within its rank, makes room. Providers that announced named channels and sent values
// for them are never evicted while online: those are the ones a shop is looking at.

export interface EvictionCandidate {
  readonly hostId: number;
  readonly online: boolean;
  /** Epoch ms of the last message accepted from it. */
  readonly lastSeen: number;
  /** ChannelValues messages received. */
  readonly valueMessages: number;
  /** True once a ChannelInfo named at least one channel. */
  readonly named: boolean;
}

/** 0: neither values nor names (pings, probes, noise); 1: one of them; 2: named channels with values. */
export function providerValue(p: EvictionCandidate): 0 | 1 | 2 {
  const values = p.valueMessages > 0;
  if (values && p.named) return 2;
  return values || p.named ? 1 : 0;
}

/**
 * The provider to evict, or null when every provider is online and valuable (then the newcomer is refused and
 * counted). Order: offline before online, then lower value, then least recently active.
 */
export function pickEvictionVictim<T extends EvictionCandidate>(providers: Iterable<T>): T | null {
  let victim: T | null = null;
  let victimRank = 0;
  for (const p of providers) {
    const value = providerValue(p);
    if (p.online && value === 2) continue;
    // Lower rank = evicted first: offline providers of any value, then online ones by value.
    const rank = (p.online ? 3 : 0) + value;
    if (victim === null || rank < victimRank || (rank === victimRank && p.lastSeen < victim.lastSeen)) {
      victim = p;
      victimRank = rank;
    }
  }
  return victim;
}
