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
  /**
   * The newest RPM, power and torque (all fresh), with the dyno's road speed when fresh, and throttle (null when absent
   * or stale); null without all three.
   */
  point(now: number): { point: PullPoint; tps: number | null } | null;
  dyno(): DynoChannels | null;
}

const isPullQuantity = (q: string | null): q is PullQuantity =>
  q !== null && (PULL_QUANTITIES as readonly string[]).includes(q);

/** The dyno provider's first speed channel: the overlay draws the live pull against road speed from it. */
function dynoSpeedKey(dyno: DynoChannels | null, catalog: PullFeedCatalog): string | null {
  if (!dyno) return null;
  return catalog.channels.find((c) => c.providerId === dyno.providerId && c.quantity === 'speed')?.key ?? null;
}

export function createPullFeed(options: Partial<PullFeedOptions> = {}): PullFeed {
  const opts = { ...DEFAULT_PULL_FEED_OPTIONS, ...options };
  let dyno: DynoChannels | null = null;
  let speedKey: string | null = null;
  const latest = new Map<PullQuantity | 'speed', { value: number; at: number }>();

  const fresh = (q: PullQuantity | 'speed', now: number): number | null => {
    const v = latest.get(q);
    return v && now - v.at < opts.maxAgeMs ? v.value : null;
  };

  const feed: PullFeed = {
    setCatalog(catalog) {
      const next = chooseDynoChannels(catalog.providers, catalog.channels);
      // Values from a channel that is no longer chosen must not mix into the next points.
      for (const q of PULL_QUANTITIES) if (next?.channels[q] !== dyno?.channels[q]) latest.delete(q);
      const nextSpeed = dynoSpeedKey(next, catalog);
      if (nextSpeed !== speedKey) latest.delete('speed');
      dyno = next;
      speedKey = nextSpeed;
    },
    accepts(key, quantity) {
      if (!isPullQuantity(quantity) || dyno === null) return true;
      const chosen = dyno.channels[quantity];
      return chosen === undefined || chosen === key;
    },
    offer(key, quantity, value, at) {
      if (quantity === 'speed' && key === speedKey) {
        latest.set('speed', { value, at });
        return true;
      }
      if (!isPullQuantity(quantity) || dyno === null || dyno.channels[quantity] !== key) return false;
      latest.set(quantity, { value, at });
      return true;
    },
    point(now) {
      const rpm = fresh('rpm', now);
      const power = fresh('power', now);
      const torque = fresh('torque', now);
      if (rpm === null || power === null || torque === null) return null;
      const speed = fresh('speed', now);
      return { point: { rpm, power, torque, ...(speed === null ? {} : { speed }) }, tps: fresh('tps', now) };
    },
    dyno: () => dyno,
  };
  return feed;
}
