import type { DiscoveredChannel } from './parse-discovery.js';

/** What a browser row needs to be matched with discovery's suggestion. */
export interface SuggestedChannel {
  key: string;
  name: string;
  providerName: string;
}

/**
 * Discovery's suggestions for unmapped channels, found by channel key, then "Provider/Channel", then the bare name
 * (the first channel of that name wins).
 */
export class ChannelSuggestions {
  readonly #byName = new Map<string, DiscoveredChannel>();

  /** Replaces every suggestion. */
  set(discovered: readonly DiscoveredChannel[]): void {
    this.#byName.clear();
    for (const d of discovered) {
      if (d.key) this.#byName.set(d.key, d);
      if (d.provider) this.#byName.set(`${d.provider}/${d.name}`, d);
      if (!this.#byName.has(d.name)) this.#byName.set(d.name, d);
    }
  }

  of(channel: SuggestedChannel): DiscoveredChannel | undefined {
    return (
      this.#byName.get(channel.key) ??
      this.#byName.get(`${channel.providerName}/${channel.name}`) ??
      this.#byName.get(channel.name)
    );
  }
}

/**
 * The hint shown for an unmapped channel ("suggest rpm (Engine RPM)", "suggest Engine RPM", "no confident match")
 * and its tooltip (discovery's reasons).
 */
export function quantityHint(channelName: string, s: DiscoveredChannel | undefined): { hint: string; why: string } {
  const guess = s?.candidate ?? s?.quantity ?? null;
  // A suggested label that only repeats the channel's name suggests nothing.
  const label = s?.config?.label && s.config.label !== channelName ? s.config.label : null;
  const hint = guess
    ? `suggest ${guess}${label ? ` (${label})` : ''}`
    : label
      ? `suggest ${label}`
      : 'no confident match';
  const why = s?.reasons.length ? s.reasons.join('\n') : 'Not mapped to a quantity';
  return { hint, why };
}
