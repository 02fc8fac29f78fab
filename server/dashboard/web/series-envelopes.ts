/** JetDrive's "no unit" byte: the unit is not known yet. */
const UNKNOWN_UNIT = 255;

interface Slot {
  value: number | null;
  at: number;
  unitCode: number;
  lo: number;
  hi: number;
}

/**
 * The latest value of each chart series with its receive time and unit, plus the envelope (lowest and highest value
 * or period min/max) seen since the last row. `row` takes one chart row: values, lows, highs, with null for a series
 * whose value is older than `staleMs`.
 */
export class SeriesEnvelopes {
  readonly #slots: Slot[];

  constructor(count: number) {
    this.#slots = Array.from({ length: count }, () => ({
      value: null,
      at: 0,
      unitCode: UNKNOWN_UNIT,
      lo: Number.POSITIVE_INFINITY,
      hi: Number.NEGATIVE_INFINITY,
    }));
  }

  unitCode(i: number): number {
    return this.#slots[i].unitCode;
  }

  /** Records a value (and its period's min/max if known); true when the series' unit changed. */
  set(
    i: number,
    value: number,
    min: number | undefined,
    max: number | undefined,
    unitCode: number,
    at: number,
  ): boolean {
    const slot = this.#slots[i];
    slot.value = value;
    slot.at = at;
    slot.lo = Math.min(slot.lo, min ?? value, value);
    slot.hi = Math.max(slot.hi, max ?? value, value);
    if (slot.unitCode === unitCode) return false;
    slot.unitCode = unitCode;
    return true;
  }

  /** One row at `now`: n values, n lows, n highs. The next row's envelope starts from the value this row ended on. */
  row(now: number, staleMs: number): (number | null)[] {
    const slots = this.#slots;
    const fresh = slots.map((s) => s.value !== null && now - s.at <= staleMs);
    const row = [
      ...slots.map((s, i) => (fresh[i] ? s.value : null)),
      ...slots.map((s, i) => (fresh[i] && Number.isFinite(s.lo) ? s.lo : null)),
      ...slots.map((s, i) => (fresh[i] && Number.isFinite(s.hi) ? s.hi : null)),
    ];
    for (const s of slots) {
      s.lo = s.value ?? Number.POSITIVE_INFINITY;
      s.hi = s.value ?? Number.NEGATIVE_INFINITY;
    }
    return row;
  }
}
