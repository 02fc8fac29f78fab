// Which channels a pull (dyno run) is read from. Subscribing to "any channel whose quantity is power" lets any node
// on the LAN draw on the dyno sheet: the issue-13 round announced one rogue channel with a power unit and the pull
// chart showed "Peak 1381.3 hp" against the dyno's 110 hp. A pull comes from one dyno, so one provider is chosen —
// the one whose channels the mapping maps to the most pull quantities, online first, the earliest seen on a tie (a
// newcomer cannot displace the dyno by announcing the same channels) — and only its channels are used.
// The mapping decides what each channel is, so hiding or re-mapping a channel there also changes the choice.

export const PULL_QUANTITIES = ['rpm', 'power', 'torque', 'tps'] as const;
export type PullQuantity = (typeof PULL_QUANTITIES)[number];

/** The quantities that make a provider a dyno (TPS may come from it, but does not count). */
const DYNO_QUANTITIES: readonly PullQuantity[] = ['rpm', 'power', 'torque'];

export interface DynoChoiceProvider {
  hostId: number;
  name: string;
  online: boolean;
}

export interface DynoChoiceChannel {
  key: string;
  providerId: number;
  /** The mapping's quantity for the channel (overrides applied), null when unmapped or hidden. */
  quantity: string | null;
}

export interface DynoChannels {
  providerId: number;
  providerName: string;
  /** Channel key per pull quantity the dyno provider has; the first such channel in catalog order. */
  channels: Partial<Record<PullQuantity, string>>;
}

const isPullQuantity = (q: string | null): q is PullQuantity =>
  q !== null && (PULL_QUANTITIES as readonly string[]).includes(q);

/**
 * Chooses the dyno provider and its pull channels, or null when no provider has a channel mapped to rpm, power or
 * torque. `providers` and `channels` are in catalog order, which is first-seen order.
 */
export function chooseDynoChannels(
  providers: readonly DynoChoiceProvider[],
  channels: readonly DynoChoiceChannel[],
): DynoChannels | null {
  const byProvider = new Map<number, Partial<Record<PullQuantity, string>>>();
  for (const c of channels) {
    if (!isPullQuantity(c.quantity)) continue;
    let chosen = byProvider.get(c.providerId);
    if (!chosen) {
      chosen = {};
      byProvider.set(c.providerId, chosen);
    }
    chosen[c.quantity] ??= c.key;
  }
  let best: { provider: DynoChoiceProvider; score: number } | null = null;
  for (const provider of providers) {
    const chosen = byProvider.get(provider.hostId);
    if (!chosen) continue;
    const count = DYNO_QUANTITIES.filter((q) => chosen[q] !== undefined).length;
    if (count === 0) continue;
    // Online outranks any count: a dyno that restarted under a new host id takes over from its offline self.
    const score = (provider.online ? 10 : 0) + count;
    if (best === null || score > best.score) best = { provider, score };
  }
  if (best === null) return null;
  return {
    providerId: best.provider.hostId,
    providerName: best.provider.name,
    channels: { ...byProvider.get(best.provider.hostId) },
  };
}
