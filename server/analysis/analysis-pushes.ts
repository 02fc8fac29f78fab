import type { AnalysisDelta, AnalysisGrid } from '@jetdrive-hub/client/contract';
import { GridPublisher } from './grid-publisher.js';
import type { LiveAnalysis } from './live-analysis.js';

// One push loop per watched analysis: a timer every intervalMs that sends the delta of changed cells to the
// analysis' room (nothing when nothing changed), started by the first watcher and stopped with the last, so an
// analysis nobody watches costs no timer. Every timer is owned here and stopped by unwatch, delete and close.

export interface PushTarget {
  delta(id: string, delta: AnalysisDelta): void;
  grid(id: string, grid: AnalysisGrid): void;
}

interface Loop {
  publisher: GridPublisher;
  watchers: Set<string>;
  timer: ReturnType<typeof setInterval>;
}

export class AnalysisPushes {
  readonly #intervalMs: number;
  readonly #target: PushTarget;
  readonly #loops = new Map<string, Loop>();
  #pushes = 0;

  constructor(intervalMs: number, target: PushTarget) {
    this.#intervalMs = intervalMs;
    this.#target = target;
  }

  /** Adds a watcher; returns the grid it starts from (the one the next delta applies to). */
  watch(analysis: LiveAnalysis, watcher: string): AnalysisGrid {
    let loop = this.#loops.get(analysis.id);
    if (!loop) {
      const publisher = new GridPublisher(analysis);
      const timer = setInterval(() => this.#push(analysis.id, publisher), this.#intervalMs);
      loop = { publisher, watchers: new Set(), timer };
      this.#loops.set(analysis.id, loop);
    }
    loop.watchers.add(watcher);
    return loop.publisher.grid;
  }

  unwatch(id: string, watcher: string): void {
    const loop = this.#loops.get(id);
    if (!loop) return;
    loop.watchers.delete(watcher);
    if (loop.watchers.size === 0) this.drop(id);
  }

  /** After a reset: every watcher gets the new whole grid. */
  rebase(id: string): void {
    const loop = this.#loops.get(id);
    if (loop) this.#target.grid(id, loop.publisher.rebase());
  }

  /** Pushes what is pending now (a stop or a delete must not leave viewers on a stale grid). */
  flush(id: string): void {
    const loop = this.#loops.get(id);
    if (loop) this.#push(id, loop.publisher);
  }

  drop(id: string): void {
    const loop = this.#loops.get(id);
    if (!loop) return;
    clearInterval(loop.timer);
    this.#loops.delete(id);
  }

  close(): void {
    for (const id of [...this.#loops.keys()]) this.drop(id);
  }

  stats(): { loops: number; pushes: number } {
    return { loops: this.#loops.size, pushes: this.#pushes };
  }

  #push(id: string, publisher: GridPublisher): void {
    const delta = publisher.next();
    if (delta === null) return;
    this.#pushes++;
    this.#target.delta(id, delta);
  }
}
