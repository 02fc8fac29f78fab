import { describe, expect, it } from 'vitest';
import { createTimeSlicer } from '../../../server/sessions/create-time-slicer.js';

describe('createTimeSlicer', () => {
  it('lets one waiter through per event-loop turn, round-robin', async () => {
    const slicer = createTimeSlicer();
    let turns = 0;
    let done = false;
    const count = (): void => {
      turns++;
      if (!done) setImmediate(count);
    };
    setImmediate(count);
    const seen: { who: string; turn: number }[] = [];
    const lane = async (who: string, rounds: number): Promise<void> => {
      for (let i = 0; i < rounds; i++) {
        await slicer.nextSlice();
        seen.push({ who, turn: turns });
      }
    };
    expect(slicer.waiting).toBe(0);
    const lanes = Promise.all([lane('a', 3), lane('b', 3), lane('c', 3)]);
    expect(slicer.waiting).toBe(3);
    await lanes;
    done = true;
    expect(seen.map((s) => s.who).join('')).toBe('abcabcabc');
    // Never two slices in the same turn of the loop.
    for (let i = 1; i < seen.length; i++) expect(seen[i].turn).toBeGreaterThan(seen[i - 1].turn);
    expect(slicer.waiting).toBe(0);
  });
});
