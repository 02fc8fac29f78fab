/** A value older than this (ms) is no value: its channel went quiet. */
const FRESH_MS = 2000;

/** The newest value per quantity with its arrival time, for what is computed from several channels at once. */
export class LatestValues {
  readonly #values = new Map<string, { value: number; at: number }>();

  set(quantity: string, value: number, at: number): void {
    this.#values.set(quantity, { value, at });
  }

  /** The value if it arrived within the last two seconds, else null. */
  get(quantity: string, now: number): number | null {
    const v = this.#values.get(quantity);
    return v && now - v.at < FRESH_MS ? v.value : null;
  }
}
