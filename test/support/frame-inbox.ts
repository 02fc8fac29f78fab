import type { DecodedFrame } from '../../server/protocol/types.js';

/** Every message a test host received, in order, and waiters for the first that matches a predicate. */
export class FrameInbox {
  readonly received: DecodedFrame[] = [];
  readonly #waiters = new Set<{ predicate: (f: DecodedFrame) => boolean; resolve: (f: DecodedFrame) => void }>();
  readonly #label: string;

  constructor(label: string) {
    this.#label = label;
  }

  push(f: DecodedFrame): void {
    this.received.push(f);
    for (const w of this.#waiters) {
      if (w.predicate(f)) {
        this.#waiters.delete(w);
        w.resolve(f);
      }
    }
  }

  /** Resolves with the first received message (already queued or future) that matches. */
  next(predicate: (f: DecodedFrame) => boolean, timeoutMs = 2000): Promise<DecodedFrame> {
    const found = this.received.find(predicate);
    if (found) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const waiter = {
        predicate,
        resolve: (f: DecodedFrame) => {
          clearTimeout(timer);
          resolve(f);
        },
      };
      const timer = setTimeout(() => {
        this.#waiters.delete(waiter);
        reject(new Error(`${this.#label}: no matching message within ${timeoutMs} ms`));
      }, timeoutMs);
      this.#waiters.add(waiter);
    });
  }
}
