/** Length of the limiter's fixed window on the provider clock, ms. */
const WINDOW_MS = 1000;

/**
 * At most `maxPerWindow` answers (Pongs, ChannelInfo replies) per fixed one-second window on the provider clock, so a
 * flood of requests cannot turn a provider into an amplifier. A clock that goes backwards starts a new window.
 */
export class AnswerLimiter {
  readonly #maxPerWindow: number;
  readonly #clockMs: () => number;
  #windowStart = Number.NEGATIVE_INFINITY;
  #answersInWindow = 0;

  constructor(maxPerWindow: number, clockMs: () => number) {
    this.#maxPerWindow = maxPerWindow;
    this.#clockMs = clockMs;
  }

  /** True (and counted) when one more answer fits in the current window. */
  tryAnswer(): boolean {
    const now = this.#clockMs();
    if (now - this.#windowStart >= WINDOW_MS || now < this.#windowStart) {
      this.#windowStart = now;
      this.#answersInWindow = 0;
    }
    if (this.#answersInWindow >= this.#maxPerWindow) return false;
    this.#answersInWindow++;
    return true;
  }
}
