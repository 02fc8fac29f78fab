import type { ChannelMeta, QuantityResolver } from './types.js';

// Per provider: how many of its channels are mapped, unmapped (by name) and provisional, kept up to date one channel
// at a time as channels are added, renamed or removed, so the registry's "N mapped, M unmapped" summary never
// re-judges a provider's whole channel list per datagram.

export type Judgement = 'mapped' | 'unmapped' | 'provisional';

export interface TalliedEntry {
  meta: ChannelMeta;
  judged: Judgement | null;
}

/** The last "N channels mapped, M unmapped" summary of one provider (provisional channels are not judged). */
export interface MappingSummary {
  providerId: number;
  mapped: number;
  unmapped: string[];
  provisional: number;
}

export interface MappingTally<E extends TalliedEntry> {
  /** Judges `entry` again; returns its judgement when it changed, else null. */
  judge(entry: E): Judgement | null;
  /** The entry is going away. */
  forget(entry: E): void;
  summary(providerId: number): MappingSummary;
}

export function createMappingTally<E extends TalliedEntry>(resolver: QuantityResolver): MappingTally<E> {
  let mapped = 0;
  let provisional = 0;
  const unmapped = new Set<E>();

  const forget = (entry: E): void => {
    if (entry.judged === 'mapped') mapped--;
    else if (entry.judged === 'provisional') provisional--;
    else if (entry.judged === 'unmapped') unmapped.delete(entry);
    entry.judged = null;
  };

  return {
    judge(entry) {
      const before = entry.judged;
      forget(entry);
      const judged: Judgement = entry.meta.provisional
        ? 'provisional'
        : resolver.quantityOf(entry.meta) === null
          ? 'unmapped'
          : 'mapped';
      entry.judged = judged;
      if (judged === 'mapped') mapped++;
      else if (judged === 'provisional') provisional++;
      else unmapped.add(entry);
      return judged === before ? null : judged;
    },
    forget,
    summary: (providerId) => ({
      providerId,
      mapped,
      unmapped: [...unmapped].map((entry) => entry.meta.name),
      provisional,
    }),
  };
}
