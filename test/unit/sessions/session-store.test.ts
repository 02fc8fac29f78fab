import { describe, expect, it } from 'vitest';
import type { Session } from '../../../server/sessions/create-session.js';
import { SessionError } from '../../../server/sessions/session-error.js';
import { SessionStore } from '../../../server/sessions/session-store.js';

/** Just what the store reads of a session: id, ended, endedAt, status, tables, release/stop. */
function fake(id: string, endedAt: number | null) {
  let tables: object | null = {};
  let stops = 0;
  const session = {
    id,
    get ended() {
      return endedAt !== null;
    },
    state: { status: endedAt === null ? 'running' : 'converged', endedAt },
    get tables() {
      return tables;
    },
    stop: () => {
      stops++;
      return endedAt === null;
    },
    release: () => {
      const had = tables !== null && endedAt !== null;
      if (had) tables = null;
      return had;
    },
  };
  return { session: session as unknown as Session, stops: () => stops };
}

function storeOf(...sessions: ReturnType<typeof fake>[]): SessionStore {
  const store = new SessionStore();
  for (const s of sessions) store.add(s.session);
  return store;
}

describe('SessionStore', () => {
  it('trims to a limit by removing the oldest ended sessions, never running ones', () => {
    const store = storeOf(fake('a', null), fake('b', 10), fake('c', 20), fake('d', null));
    expect(store.trimTo(4)).toEqual([]);
    expect(store.trimTo(2)).toEqual(['b', 'c']);
    expect(store.trimTo(0)).toEqual([]);
    expect(store.counts()).toMatchObject({ size: 2, running: 2, removed: 2, tablesReleased: 2, tablesRetained: 2 });
  });

  it('removes sessions ended at least maxAge ago (at exactly maxAge) and, on request, every ended one', () => {
    const store = storeOf(fake('a', 0), fake('b', 50), fake('c', null), fake('d', 99));
    expect(store.removeExpired(100, 50)).toEqual(['a', 'b']);
    expect(store.removeEnded()).toEqual(['d']);
    expect(store.has('c')).toBe(true);
    expect(store.size).toBe(1);
  });

  it('counts by status and names a missing id', () => {
    const store = storeOf(fake('a', 5), fake('b', null));
    expect(store.counts().byStatus).toMatchObject({ running: 1, converged: 1, failed: 0 });
    expect(store.runningCount()).toBe(1);
    expect(() => store.get('nope')).toThrow(SessionError);
    expect(store.get('a').id).toBe('a');
  });

  it('asks every session to stop', () => {
    const a = fake('a', null);
    const b = fake('b', 1);
    storeOf(a, b).stopAll();
    expect([a.stops(), b.stops()]).toEqual([1, 1]);
  });
});
