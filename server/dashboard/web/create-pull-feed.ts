import {
  chooseDynoChannels,
  type DynoChannels,
  type DynoChoiceChannel,
  type DynoChoiceProvider,
  PULL_QUANTITIES,
  type PullQuantity,
} from '../../mapping/choose-dyno-channels.js';
import type { PullPoint } from './create-pull-tracker.js';

// What the pull chart (and the RPM/power/torque/throttle readouts) read: only the channels chosen for the dyno
// provider (see chooseDynoChannels), never every channel the mapping calls "power" — one rogue node announcing a
// power channel would otherwise draw its own peak on the dyno sheet.

export interface PullFeedOptions {
  /** A value older than this is not used for a pull point (the channel went quiet). */
  maxAgeMs: number;
}

export const DEFAULT_PULL_FEED_OPTIONS: PullFeedOptions = { maxAgeMs: 2000 };

export interface PullFeedCatalog {
  providers: readonly DynoChoiceProvider[];
  channels: readonly DynoChoiceChannel[];
}

export interface PullFeed {
  /** Re-chooses the dyno provider and its channels (call on every catalog change). */
  setCatalog(catalog: PullFeedCatalog): void;
  /**
   * Whether a readout or the live chart shows a sample of `quantity` from channel `key`: for a pull quantity the
   * dyno has, only its chosen channel; anything else as before.
   */
  accepts(key: string, quantity: string | null): boolean;
  /** Keeps the value when it is from the dyno's chosen channel for a pull quantity; returns whether it was. */
  offer(key: string, quantity: string | null, value: number, at: number): boolean;
  /** The newest RPM, power and torque (all fresh) and throttle (null when absent or stale); null without all three. */
  point(now: number): { point: PullPoint; tps: number | null } | null;
  dyno(): DynoChannels | null;
}

const isPullQuantity = (q: string | null): q is PullQuantity =>
  q !== null && (PULL_QUANTITIES as readonly string[]).includes(q);

export function createPullFeed(options: Partial<PullFeedOptions> = {}): PullFeed {
  const opts = { ...DEFAULT_PULL_FEED_OPTIONS, ...options };
  let dyno: DynoChannels | null = null;
  const latest = new Map<PullQuantity, { value: number; at: number }>();

  const fresh = (q: PullQuantity, now: number): number | null => {
    const v = latest.get(q);
    return v && now - v.at < opts.maxAgeMs ? v.value : null;
  };

  const feed: PullFeed = {
    setCatalog(catalog) {
      const next = chooseDynoChannels(catalog.providers, catalog.channels);
      // Values from a channel that is no longer chosen must not mix into the next points.
      for (const q of PULL_QUANTITIES) if (next?.channels[q] !== dyno?.channels[q]) latest.delete(q);
      dyno = next;
    },
    accepts(key, quantity) {
      if (!isPullQuantity(quantity) || dyno === null) return true;
      const chosen = dyno.channels[quantity];
      return chosen === undefined || chosen === key;
    },
    offer(key, quantity, value, at) {
      if (!isPullQuantity(quantity) || dyno === null || dyno.channels[quantity] !== key) return false;
      latest.set(quantity, { value, at });
      return true;
    },
    point(now) {
      const rpm = fresh('rpm', now);
      const power = fresh('power', now);
      const torque = fresh('torque', now);
      if (rpm === null || power === null || torque === null) return null;
      return { point: { rpm, power, torque }, tps: fresh('tps', now) };
    },
    dyno: () => dyno,
  };
  return feed;
}
