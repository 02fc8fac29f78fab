import { createLogger } from '../log.js';
import { addressText } from './create-source-guard.js';
import type { NodeCounters } from './types.js';

const log = createLogger('jetdrive');

// Any node can send frames under our host id: changing it on each one would let a rogue make us churn ids (the
// issue-13 round made the hub change 50 times with 50 frames). A real clash of two random 16-bit ids is rare enough
// that one change per period resolves it; the frames beyond are counted.

export interface IdChangeLimiter {
  /** Whether a collision seen now may change our id; counts (and now and then logs) the ones that may not. */
  allow(now: number, from: { address: string; port: number }): boolean;
}

export function createIdChangeLimiter(minIntervalMs: number, counters: NodeCounters): IdChangeLimiter {
  let lastChangeAt = Number.NEGATIVE_INFINITY;
  return {
    allow(now, from) {
      if (now - lastChangeAt >= minIntervalMs) {
        lastChangeAt = now;
        return true;
      }
      counters.collisionsSuppressed++;
      if (counters.collisionsSuppressed === 1 || counters.collisionsSuppressed % 1000 === 0) {
        const address = addressText(from.address, from.port);
        log.warn(
          { from: address, suppressed: counters.collisionsSuppressed },
          `frames under our host id from ${address}: it changed less than ${minIntervalMs} ms ago, keeping it`,
        );
      }
      return false;
    },
  };
}
