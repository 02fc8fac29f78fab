import { setImmediate as tick } from 'node:timers/promises';
import { lastValueFrom } from 'rxjs';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { SessionSummary } from '@jetdrive-hub/client/contract';
import { SessionError } from '../../../server/sessions/session-error.js';
import { createSessionRegistry, type SessionRegistry } from '../../../server/sessions/session-registry.js';
import type { PlantFactory, PullSample } from '../../../server/sessions/tuning-plant.js';
import { lookupGrid } from '../../../server/tuning/ve-grid.js';

const MIN = 60_000;

/** A plant whose mixture is exactly on target in a handful of cells: every session converges at iteration 1. */
const onTarget: PlantFactory = (input) => ({
  *pull() {
    const s: PullSample[] = [];
    for (let rpm = 2000; rpm <= 4000; rpm += 500) {
      for (let i = 0; i < 3; i++) {
        const afr = lookupGrid(input.afrTarget, rpm, 60);
        s.push({ rpm, mapKpa: 60, afrFront: afr, afrRear: afr, hp: 80, tq: 90 });
      }
    }
    yield s;
  },
});

/** A plant that keeps the session running (empty chunks) until its gate opens. */
function gated() {
  const gate = { open: false };
  const createPlant: PlantFactory = (input) => ({
    *pull(tps) {
      while (!gate.open) yield [];
      yield* onTarget(input).pull(tps);
    },
  });
  return { gate, createPlant };
}

const ended = async (reg: SessionRegistry, id: string) => {
  await lastValueFrom(reg.watch(id).events$, { defaultValue: null });
  return reg.snapshot(id);
};

async function startEnded(reg: SessionRegistry, n: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const { session_id } = reg.start({ base_ve_scenario: 'perfect' });
    await ended(reg, session_id);
    ids.push(session_id);
  }
  return ids;
}

describe('session registry sweep (fake timers)', () => {
  let reg: SessionRegistry | null = null;
  beforeEach(() => {
    // Only the timers the sweep uses and the clock; performance.now and setImmediate stay real for the sessions.
    vi.useFakeTimers({
      toFake: ['setInterval', 'clearInterval', 'setTimeout', 'clearTimeout', 'Date'],
      now: 1_800_000_000_000,
    });
  });
  afterEach(() => {
    reg?.dispose();
    reg = null;
    vi.useRealTimers();
  });

  it('removes an ended session at exactly 60 min after its end, releasing its tables first', async () => {
    reg = createSessionRegistry({ createPlant: onTarget });
    const changes: SessionSummary[][] = [];
    reg.changes$.subscribe((l) => changes.push(l));
    const [early] = await startEnded(reg, 1);
    vi.advanceTimersByTime(30 * MIN);
    const [late] = await startEnded(reg, 1);
    expect(reg.stats()).toMatchObject({ size: 2, tablesRetained: 2, byStatus: { converged: 2 } });
    // Held tables carry the last iteration's measured per-cell maps (the dashboard's heatmaps).
    expect(reg.results(early).cell_maps?.hits).toHaveLength(11);
    expect(reg.results(early).ve_tables).not.toBeNull();

    vi.advanceTimersByTime(30 * MIN - 1);
    expect(reg.has(early)).toBe(true);
    const before = changes.length;
    vi.advanceTimersByTime(1); // the sweep at 60:00 after the first end
    expect(reg.has(early)).toBe(false);
    expect(reg.has(late)).toBe(true);
    expect(reg.stats()).toMatchObject({ size: 1, removed: 1, tablesReleased: 1, tablesRetained: 1, sweeps: 12 });
    expect(changes.length).toBe(before + 1);
    expect(changes.at(-1)?.map((s) => s.session_id)).toEqual([late]);
    expect(() => reg?.snapshot(early)).toThrow(SessionError);

    vi.advanceTimersByTime(30 * MIN);
    expect(reg.has(late)).toBe(false);
    expect(reg.stats()).toMatchObject({ size: 0, removed: 2, tablesReleased: 2, tablesRetained: 0 });
  });

  it('sweeps on its interval: every 5 min by default, and as configured', () => {
    reg = createSessionRegistry({ createPlant: onTarget });
    vi.advanceTimersByTime(15 * MIN);
    expect(reg.stats().sweeps).toBe(3);
    reg.dispose();
    vi.advanceTimersByTime(15 * MIN);
    expect(reg.stats().sweeps).toBe(3);
    const fast = createSessionRegistry({ createPlant: onTarget, sweepIntervalS: 10 });
    vi.advanceTimersByTime(60_000);
    expect(fast.stats().sweeps).toBe(6);
    fast.dispose();
  });

  it('keeps at most 100 sessions: the oldest ended ones go first', async () => {
    reg = createSessionRegistry({ createPlant: onTarget });
    const ids = await startEnded(reg, 105);
    expect(reg.size).toBe(100);
    expect(ids.slice(0, 5).some((id) => reg?.has(id))).toBe(false);
    expect(ids.slice(5).every((id) => reg?.has(id))).toBe(true);
    expect(reg.sweep()).toEqual([]);
    expect(reg.stats()).toMatchObject({ size: 100, removed: 5, tablesReleased: 5, tablesRetained: 100 });
    // Listing is newest first.
    expect(reg.list()[0].session_id).toBe(ids.at(-1));
    expect(reg.list().at(-1)?.session_id).toBe(ids[5]);
  });

  it('never sweeps a running session, by age, by count or by cleanup', async () => {
    const { gate, createPlant } = gated();
    reg = createSessionRegistry({ createPlant, maxCount: 3, maxRunning: 3 });
    const running = [0, 1, 2].map(() => reg?.start({}).session_id ?? '');
    await tick();
    vi.advanceTimersByTime(180 * MIN);
    expect(reg.cleanup({ all_completed: true }).removed).toEqual([]);
    expect(reg.cleanup({ max_age_minutes: 0 }).removed).toEqual([]);
    expect(running.every((id) => reg?.has(id))).toBe(true);
    expect(reg.stats()).toMatchObject({ size: 3, running: 3, tablesRetained: 3, byStatus: { running: 3 } });
    // Full of running sessions: a fourth start is refused rather than evicting one.
    expect(() => reg?.start({})).toThrow(expect.objectContaining({ code: 'TOO_MANY_RUNNING' }));
    gate.open = true;
    for (const id of running) expect((await ended(reg, id)).status).toBe('converged');
    vi.advanceTimersByTime(60 * MIN);
    expect(reg.size).toBe(0);
  });

  it('cleanup({ all_completed }) removes every ended session now and reports them', async () => {
    reg = createSessionRegistry({ createPlant: onTarget });
    const ids = await startEnded(reg, 3);
    expect(reg.cleanup({})).toEqual({ success: true, removed: [], remaining: 3, message: 'Cleaned up 0 session(s)' });
    const result = reg.cleanup({ all_completed: true });
    expect(result).toEqual({ success: true, removed: ids, remaining: 0, message: 'Cleaned up 3 session(s)' });
    expect(reg.stats()).toMatchObject({ tablesReleased: 3, tablesRetained: 0 });
  });

  it('bounds the sessions running at once with TOO_MANY_RUNNING', async () => {
    const { gate, createPlant } = gated();
    reg = createSessionRegistry({ createPlant, maxRunning: 2 });
    reg.start({});
    reg.start({});
    let err: unknown;
    try {
      reg.start({});
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(SessionError);
    expect(err).toMatchObject({ code: 'TOO_MANY_RUNNING', message: expect.stringContaining('limit 2') });
    expect(reg.stats()).toMatchObject({ size: 2, running: 2, rejected: 1 });
    gate.open = true;
  });

  it('stop answers 404 for unknown ids and 409 for ended sessions; dispose stops what runs', async () => {
    const { createPlant } = gated();
    reg = createSessionRegistry({ createPlant });
    await expect(reg.stop('tune_0_0')).rejects.toMatchObject({ code: 'SESSION_NOT_FOUND' });
    const { session_id } = reg.start({});
    const final = await reg.stop(session_id);
    expect(final.status).toBe('stopped');
    await expect(reg.stop(session_id)).rejects.toMatchObject({ code: 'SESSION_NOT_RUNNING' });
    const other = reg.start({}).session_id;
    reg.dispose();
    expect((await ended(reg, other)).status).toBe('stopped');
    expect(() => reg?.start({})).toThrow(expect.objectContaining({ code: 'REGISTRY_DISPOSED' }));
  });
});
