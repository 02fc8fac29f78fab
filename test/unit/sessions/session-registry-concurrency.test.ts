import { setImmediate as tick } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import type { SessionEvent } from '@jetdrive-hub/client/contract';
import { createPrng } from '../../../server/engine/prng.js';
import { SessionError } from '../../../server/sessions/session-error.js';
import { createSessionRegistry } from '../../../server/sessions/session-registry.js';

const until = async (cond: () => boolean, maxTicks = 100_000): Promise<void> => {
  for (let i = 0; i < maxTicks && !cond(); i++) await tick();
  if (!cond()) throw new Error('condition not reached');
};

describe('session registry under 200 concurrent calls', () => {
  it('stays consistent: nothing both listed and removed, one terminal per session, listing never throws', async () => {
    const reg = createSessionRegistry({ maxRunning: 8, maxCount: 40, sliceMs: 1 });
    const rng = createPrng(7);
    const events = new Map<string, SessionEvent[]>();
    const removedIds = new Set<string>();
    const known: string[] = [];
    const unexpected: unknown[] = [];
    const expectedCodes = new Set(['TOO_MANY_RUNNING', 'SESSION_NOT_FOUND', 'SESSION_NOT_RUNNING']);
    const tally = { start: 0, stop: 0, list: 0, cleanup: 0, rejected: 0 };

    const checkList = (): void => {
      const list = reg.list();
      const ids = list.map((s) => s.session_id);
      expect(new Set(ids).size).toBe(ids.length);
      for (const id of ids) {
        expect(removedIds.has(id)).toBe(false);
        expect(reg.snapshot(id).session_id).toBe(id);
      }
    };

    const op = async (i: number): Promise<void> => {
      // Random interleaving: each call lands after a random number of event-loop turns.
      const wait = rng.int(0, 40);
      for (let k = 0; k < wait; k++) await tick();
      const kind = rng.next();
      try {
        if (kind < 0.35) {
          tally.start++;
          const snap = reg.start({ max_iterations: 1 + (i % 3), seed: i, base_ve_scenario: i % 2 ? 'lean' : 'rich' });
          const list: SessionEvent[] = [];
          events.set(snap.session_id, list);
          reg.watch(snap.session_id).events$.subscribe((e) => list.push(e));
          known.push(snap.session_id);
        } else if (kind < 0.6) {
          tally.stop++;
          const id = known.length > 0 ? known[rng.int(0, known.length - 1)] : 'tune_0_0';
          const final = await reg.stop(id);
          expect(['stopped', 'converged', 'failed', 'max_iterations']).toContain(final.status);
        } else if (kind < 0.85) {
          tally.list++;
          checkList();
        } else {
          tally.cleanup++;
          const result = reg.cleanup({ all_completed: rng.next() < 0.5 });
          for (const id of result.removed) removedIds.add(id);
          expect(result.remaining).toBe(reg.size);
          expect(result.message).toBe(`Cleaned up ${result.removed.length} session(s)`);
          for (const id of result.removed) expect(reg.has(id)).toBe(false);
        }
      } catch (err) {
        if (err instanceof SessionError && expectedCodes.has(err.code)) tally.rejected++;
        else unexpected.push(err);
      }
    };

    await Promise.all(Array.from({ length: 200 }, (_, i) => op(i)));
    await until(() => reg.stats().running === 0);
    checkList();

    expect(unexpected).toEqual([]);
    expect(tally.start).toBeGreaterThan(30);
    expect(tally.stop + tally.list + tally.cleanup).toBeGreaterThan(100);
    expect(known.length).toBeGreaterThan(8);
    const stats = reg.stats();
    expect(Object.values(stats.byStatus).reduce((a, b) => a + b, 0)).toBe(stats.size);
    expect(stats.byStatus.running + stats.byStatus.initializing).toBe(0);
    expect(stats.size + stats.removed).toBe(stats.started);
    expect(stats.started).toBe(known.length);

    for (const id of known) {
      const list = events.get(id) ?? [];
      const terminals = list.filter((e) => e.type === 'terminal');
      expect(terminals, id).toHaveLength(1);
      expect(list.at(-1)).toBe(terminals[0]);
      // Contiguous from the first event the watcher saw (it subscribed right after the synchronous 'created').
      expect(list.map((e) => e.seq)).toEqual(list.map((_, k) => k + 1));
      if (reg.has(id))
        expect(reg.snapshot(id).status).toBe(terminals[0].type === 'terminal' ? terminals[0].status : '');
    }
    // Some stops landed mid-run, some sessions ran to their end.
    const finals = known.map((id) => (events.get(id) ?? []).at(-1));
    expect(finals.some((e) => e?.type === 'terminal' && e.status === 'stopped')).toBe(true);
    expect(finals.some((e) => e?.type === 'terminal' && e.status !== 'stopped')).toBe(true);
    reg.dispose();
  });
});
