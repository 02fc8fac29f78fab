import { describe, expect, it } from 'vitest';
import { formatSequence, parseSequence, SequenceTracker } from '../../../server/cluster/stream-sequence.js';

describe('stream sequence', () => {
  it('round-trips and refuses what is not one', () => {
    expect(parseSequence(formatSequence({ epoch: 'a1b2c3d4', seq: 41 }))).toEqual({ epoch: 'a1b2c3d4', seq: 41 });
    for (const bad of ['', '12', ':3', 'e:', 'e:-1', 'e:1.5', 'e:x']) expect(parseSequence(bad), bad).toBeNull();
  });

  it('counts the entries skipped between two read, in one epoch and across a restart', () => {
    const t = new SequenceTracker();
    // The first entry an edge reads misses nothing, wherever it starts.
    expect(t.note({ epoch: 'a', seq: 500 })).toBe(0);
    expect(t.note({ epoch: 'a', seq: 501 })).toBe(0);
    // Trimmed before it was read: 502..999.
    expect(t.note({ epoch: 'a', seq: 1000 })).toBe(498);
    // The ingest node restarted: its first entry misses nothing; a later first one lost what came before it.
    expect(t.note({ epoch: 'b', seq: 0 })).toBe(0);
    expect(t.note({ epoch: 'c', seq: 7 })).toBe(7);
  });
});
