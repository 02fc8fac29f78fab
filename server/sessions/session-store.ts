import type { SessionStatus, SessionSummary } from '@jetdrive-hub/client/contract';
import type { Session } from './create-session.js';
import { SessionError } from './session-error.js';
import { toSummary } from './session-views.js';

const emptyByStatus = (): Record<SessionStatus, number> => ({
  initializing: 0,
  running: 0,
  converged: 0,
  failed: 0,
  stopped: 0,
  max_iterations: 0,
});

/** What the store holds, by status, and how many sessions still hold their tables. */
export interface SessionStoreCounts {
  /** Sessions held (listed). */
  size: number;
  byStatus: Record<SessionStatus, number>;
  running: number;
  /** Sessions whose VE / per-iteration tables are still held. */
  tablesRetained: number;
  removed: number;
  tablesReleased: number;
}

/**
 * The sessions a registry holds, oldest first (Map order is creation order), and the ways they leave: only ended
 * sessions are ever removed, so the running count is derived from the map and cannot drift.
 */
export class SessionStore {
  readonly #sessions = new Map<string, Session>();
  #removed = 0;
  #tablesReleased = 0;

  get size(): number {
    return this.#sessions.size;
  }

  has(id: string): boolean {
    return this.#sessions.has(id);
  }

  /** The session, or SESSION_NOT_FOUND. */
  get(id: string): Session {
    const s = typeof id === 'string' ? this.#sessions.get(id) : undefined;
    if (!s) throw new SessionError('SESSION_NOT_FOUND', `session_id: no session "${id}"`);
    return s;
  }

  add(session: Session): void {
    this.#sessions.set(session.id, session);
  }

  runningCount(): number {
    let n = 0;
    for (const s of this.#sessions.values()) if (!s.ended) n++;
    return n;
  }

  /** Summaries, newest first. */
  list(now: number): SessionSummary[] {
    const out: SessionSummary[] = [];
    for (const s of this.#sessions.values()) out.push(toSummary(s.state, now));
    return out.reverse();
  }

  /** Removes the oldest ended sessions until at most `limit` remain (running ones stay); returns their ids. */
  trimTo(limit: number): string[] {
    const removed: string[] = [];
    for (const s of [...this.#sessions.values()]) {
      if (this.#sessions.size <= limit) break;
      if (s.ended) removed.push(this.#remove(s));
    }
    return removed;
  }

  /** Removes the sessions that ended at least `maxAgeMs` before `now` (at exactly maxAge, not a sweep later). */
  removeExpired(now: number, maxAgeMs: number): string[] {
    return this.#removeEndedWhere((s) => s.state.endedAt !== null && now - s.state.endedAt >= maxAgeMs);
  }

  /** Removes every ended session. */
  removeEnded(): string[] {
    return this.#removeEndedWhere(() => true);
  }

  /** Asks every session to stop (running ones end; ended ones ignore it). */
  stopAll(): void {
    for (const s of this.#sessions.values()) s.stop();
  }

  counts(): SessionStoreCounts {
    const byStatus = emptyByStatus();
    let tablesRetained = 0;
    for (const s of this.#sessions.values()) {
      byStatus[s.state.status]++;
      if (s.tables !== null) tablesRetained++;
    }
    return {
      size: this.#sessions.size,
      byStatus,
      running: this.runningCount(),
      tablesRetained,
      removed: this.#removed,
      tablesReleased: this.#tablesReleased,
    };
  }

  #removeEndedWhere(test: (s: Session) => boolean): string[] {
    const removed: string[] = [];
    for (const s of [...this.#sessions.values()]) if (s.ended && test(s)) removed.push(this.#remove(s));
    return removed;
  }

  #remove(s: Session): string {
    if (s.release()) this.#tablesReleased++;
    this.#sessions.delete(s.id);
    this.#removed++;
    return s.id;
  }
}
