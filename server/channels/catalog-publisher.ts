import { defer, map, type Observable, Subject, startWith } from 'rxjs';
import type { CatalogSnapshot } from './types.js';

/**
 * The catalog's version and its change notifications. Sink calls mark what they changed; `settle` (once per sink
 * call) runs the structural refresh when names or channels changed, then bumps the version and notifies once.
 */
export class CatalogPublisher {
  #version = 0;
  #structureDirty = false;
  #catalogDirty = false;
  readonly #changed$ = new Subject<void>();
  /** Built only for subscribers: a snapshot of every channel per change made each ChannelInfo datagram O(channels). */
  readonly catalog$: Observable<CatalogSnapshot>;

  constructor(build: () => CatalogSnapshot) {
    this.catalog$ = defer(() => this.#changed$.pipe(startWith(undefined), map(build)));
  }

  get version(): number {
    return this.#version;
  }

  /** Something changed since the last settle (most ChannelValues messages change nothing: settle has nothing to do). */
  get dirty(): boolean {
    return this.#catalogDirty || this.#structureDirty;
  }

  changed(structural: boolean): void {
    this.#catalogDirty = true;
    if (structural) this.#structureDirty = true;
  }

  /** Ends every sink call: `refresh` runs when the structure changed, then subscribers hear of the change. */
  settle(refresh: () => void): void {
    if (this.#structureDirty) {
      this.#structureDirty = false;
      refresh();
    }
    if (this.#catalogDirty) {
      this.#catalogDirty = false;
      this.#version++;
      this.#changed$.next();
    }
  }

  complete(): void {
    this.#changed$.complete();
  }
}
