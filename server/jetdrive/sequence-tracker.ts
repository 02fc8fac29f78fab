import type { SequenceCounters } from './types.js';

export type SequenceVerdict = 'first' | 'in-order' | 'gap' | 'out-of-order' | 'duplicate';

export interface SequenceTracker {
  /** Classifies one message's sequence number and updates the counters. */
  track(seq: number): SequenceVerdict;
  readonly counters: Readonly<SequenceCounters>;
}

/**
 * Per-host sequence tracking modulo 256. A forward distance of 1..127 from the last number is in order or a gap
 * (distance − 1 messages lost); 128..255 means the message is behind (late): counted out of order and not used as
 * the new reference, so one straggler does not make the following in-order messages look like a huge gap.
 */
export function createSequenceTracker(): SequenceTracker {
  const counters: SequenceCounters = { received: 0, dropped: 0, outOfOrder: 0, first: 0, duplicates: 0 };
  let last = -1;
  return {
    counters,
    track(seq) {
      counters.received++;
      if (last < 0) {
        last = seq & 0xff;
        counters.first++;
        return 'first';
      }
      const distance = (seq - last) & 0xff;
      if (distance === 0) {
        counters.duplicates++;
        return 'duplicate';
      }
      if (distance < 128) {
        last = seq & 0xff;
        if (distance === 1) return 'in-order';
        counters.dropped += distance - 1;
        return 'gap';
      }
      counters.outOfOrder++;
      return 'out-of-order';
    },
  };
}
