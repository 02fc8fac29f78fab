import type { ReplayStatus } from '@jetdrive-hub/client/contract';
import { type Observable, Subject } from 'rxjs';
import type { Replay } from './replay.js';
import { ReplayError } from './replay-error.js';

export interface ReplayTableStats {
  active: number;
  started: number;
  refused: number;
  /** Ended replays stopped to make room for a new one. */
  reclaimed: number;
}

/**
 * The replays by id and the namespace slots they hold (1..max, also while a replay's file loads), plus the bounded
 * status push: every state change at once, each playing replay's position every `intervalMs` (one timer, running
 * only while something plays).
 */
export class ReplayTable {
  readonly #replays = new Map<string, Replay>();
  readonly #slots = new Set<number>();
  readonly #status$ = new Subject<ReplayStatus>();
  readonly #max: number;
  readonly #intervalMs: number;
  #ticker: NodeJS.Timeout | null = null;
  readonly stats: ReplayTableStats = { active: 0, started: 0, refused: 0, reclaimed: 0 };

  constructor(max: number, intervalMs: number) {
    this.#max = max;
    this.#intervalMs = intervalMs;
  }

  get status$(): Observable<ReplayStatus> {
    return this.#status$.asObservable();
  }

  values(): Replay[] {
    return [...this.#replays.values()];
  }

  find(id: string): Replay {
    const r = this.#replays.get(id);
    if (!r) {
      throw new ReplayError('REPLAY_NOT_FOUND', `id: no replay ${id} (GET /api/replays lists them)`, { field: 'id' });
    }
    return r;
  }

  /** A free slot, after stopping the oldest ended replay when all are taken; TOO_MANY_REPLAYS when none is. */
  takeSlot(): number {
    if (this.#slots.size >= this.#max) {
      const ended = this.values().find((r) => r.state === 'ended');
      if (ended) {
        this.remove(ended);
        this.stats.reclaimed++;
      }
    }
    for (let s = 1; s <= this.#max; s++) {
      if (!this.#slots.has(s)) {
        this.#slots.add(s);
        return s;
      }
    }
    this.stats.refused++;
    throw new ReplayError(
      'TOO_MANY_REPLAYS',
      `${this.#max} replays are running (REPLAY_MAX_CONCURRENT): stop one first`,
    );
  }

  releaseSlot(slot: number): void {
    this.#slots.delete(slot);
  }

  add(r: Replay): void {
    this.#replays.set(r.id, r);
    this.stats.active = this.#replays.size;
    this.stats.started++;
  }

  /** Stops it (its providers leave the registry) and frees its slot. */
  remove(r: Replay): void {
    r.stop();
    this.#replays.delete(r.id);
    this.#slots.delete(r.slot);
    this.stats.active = this.#replays.size;
  }

  /** A replay's state changed: pushed at once, and the position timer runs while it plays. */
  readonly changed = (r: Replay): void => {
    this.#status$.next(r.status());
    if (r.state === 'playing' && !this.#ticker) {
      this.#ticker = setInterval(this.#tick, this.#intervalMs);
      this.#ticker.unref();
    }
  };

  readonly #tick = (): void => {
    let playing = 0;
    for (const r of this.#replays.values()) {
      if (r.state !== 'playing') continue;
      playing++;
      this.#status$.next(r.status());
    }
    if (playing === 0) this.#stopTicker();
  };

  #stopTicker(): void {
    if (this.#ticker) clearInterval(this.#ticker);
    this.#ticker = null;
  }

  dispose(): void {
    for (const r of this.values()) this.remove(r);
    this.#stopTicker();
    this.#status$.complete();
  }
}
