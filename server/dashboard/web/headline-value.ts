import { formatValue } from './format-value.js';

// Drum power and torque go negative while the roller drives the engine (coast-down, engine braking). The headline
// is what the engine makes: 0, with a small "coast −244" beside it; the gauge stays on its positive range.

/** Quantities whose negative values mean the drum is driving the engine. */
const COASTING_QUANTITIES: ReadonlySet<string> = new Set(['power', 'torque']);

export interface Headline {
  /** The big number. */
  text: string;
  /** The small note beside it (the signed value when coasting), or '' for none. */
  note: string;
  /** The value the gauge shows. */
  gauge: number | null;
  coasting: boolean;
}

export function headlineValue(quantity: string, shown: number | null, decimals: number): Headline {
  const text = formatValue(shown, decimals);
  if (shown === null || !COASTING_QUANTITIES.has(quantity) || !(shown < 0) || text === formatValue(0, decimals)) {
    return { text, note: '', gauge: shown, coasting: false };
  }
  return { text: formatValue(0, decimals), note: `coast ${text.replace('-', '−')}`, gauge: 0, coasting: true };
}

/** The gauge of power and torque starts at 0 whatever range a suggestion gives (coast-down is not on the gauge). */
export function headlineRange(quantity: string, lo: number, hi: number): [number, number] {
  return COASTING_QUANTITIES.has(quantity) && lo < 0 && hi > 0 ? [0, hi] : [lo, hi];
}
