import { UNIT_LABELS, UNIT_NAMES } from '../protocol/types.js';
import { DIAGNOSTIC_WORDS, NAME_RULES, type NameFamily, type NameVerdict } from './name-rules.js';
import { channelPosition, hasPhrase, nameTokens } from './name-tokens.js';
import { QUANTITY_PLAUSIBLE_SI, QUANTITY_UNIT, type Quantity } from './quantities.js';

// Suggests a channel's quantity from the evidence in this order: the JetDrive unit byte, then the name (word by
// word), then the values (range and movement). Every step says why in `reasons`, so a wrong guess can be diagnosed
// and overridden.

export interface SuggestionInput {
  name: string;
  /** JetDrive unit byte (255 = none). */
  unit: number;
  providerName?: string;
  /** Recent values in SI wire units, oldest first. */
  values?: readonly number[];
  /** Lowest and highest value ever seen (SI). */
  min?: number | null;
  max?: number | null;
  /** Names of the provider's other channels: a provider with Humidity is an atmospheric probe. */
  siblings?: readonly string[];
  /** Instead of `siblings` (which costs a walk of them): whether another channel of the provider is a humidity one. */
  humiditySibling?: boolean;
}

export interface QuantitySuggestion {
  /** The suggestion when confidence reaches the threshold, else null (unmapped). */
  quantity: Quantity | null;
  /** The best candidate even when it is below the threshold. */
  candidate: Quantity | null;
  /** 0–1. */
  confidence: number;
  reasons: string[];
}

export interface SuggestOptions {
  /** Below this confidence a channel stays unmapped. */
  acceptThreshold: number;
}

export const DEFAULT_SUGGEST_OPTIONS: SuggestOptions = { acceptThreshold: 0.5 };

/** Quantities each unit byte can carry; units with none in the vocabulary map to nothing. */
const UNIT_CANDIDATES: Readonly<Record<number, readonly Quantity[]>> = {
  0: [],
  1: ['distance'],
  2: ['speed'],
  3: ['force'],
  4: ['power'],
  5: ['torque'],
  6: ['iat', 'ect', 'ambient_temp'],
  7: ['map', 'baro'],
  8: ['rpm', 'rpm_2'],
  9: [],
  10: ['acceleration'],
  11: ['afr_front', 'afr_rear'],
  12: [],
  13: ['lambda_front', 'lambda_rear'],
  14: ['vbatt'],
  15: [],
  16: ['tps', 'humidity'],
};

const FAMILY_MEMBERS: Readonly<Record<NameFamily, readonly Quantity[]>> = {
  rpm: ['rpm', 'rpm_2'],
  afr: ['afr_front', 'afr_rear'],
  lambda: ['lambda_front', 'lambda_rear'],
  pressure: ['map', 'baro'],
  temperature: ['ambient_temp', 'ect', 'iat'],
};

const ATMOSPHERIC_PROVIDER = /\b(atmo\w*|weather|baro\w*)\b/i;

interface ValueSummary {
  count: number;
  min: number;
  max: number;
  /** max − min over the recent values only. */
  recentSpread: number;
}

function summarize(input: SuggestionInput): ValueSummary | null {
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  let recentMin = Number.POSITIVE_INFINITY;
  let recentMax = Number.NEGATIVE_INFINITY;
  let count = 0;
  for (const value of input.values ?? []) {
    if (!Number.isFinite(value)) continue;
    count++;
    if (value < recentMin) recentMin = value;
    if (value > recentMax) recentMax = value;
  }
  min = recentMin;
  max = recentMax;
  if (typeof input.min === 'number' && Number.isFinite(input.min)) min = Math.min(min, input.min);
  if (typeof input.max === 'number' && Number.isFinite(input.max)) max = Math.max(max, input.max);
  if (!Number.isFinite(min) || !Number.isFinite(max)) return null;
  return { count, min, max, recentSpread: count > 0 ? recentMax - recentMin : 0 };
}

function nameVerdict(tokens: readonly string[]): NameVerdict | null {
  for (const rule of NAME_RULES) {
    if (rule.phrases.some((phrase) => hasPhrase(tokens, phrase))) return rule.verdict;
  }
  return null;
}

function isAtmosphericContext(input: SuggestionInput): boolean {
  if (input.providerName && ATMOSPHERIC_PROVIDER.test(input.providerName)) return true;
  if (input.humiditySibling === true) return true;
  return (input.siblings ?? []).some((sibling) => nameTokens(sibling).includes('humidity'));
}

function fmt(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(2);
}

interface Pick {
  quantity: Quantity | null;
  /** True when the choice rests on evidence, false for a bare default. */
  decided: boolean;
  reason: string;
}

/** Chooses between MAP and barometric pressure: MAP moves with the throttle and idles far below any baro. */
function pickPressure(input: SuggestionInput, values: ValueSummary | null): Pick {
  if (values) {
    if (values.min < 65) {
      return {
        quantity: 'map',
        decided: true,
        reason: `reads down to ${fmt(values.min)} kPa, below every barometric pressure: MAP`,
      };
    }
    if (values.max - values.min > 5) {
      return {
        quantity: 'map',
        decided: true,
        reason: `moved ${fmt(values.max - values.min)} kPa (${fmt(values.min)}–${fmt(values.max)}); barometric pressure does not: MAP`,
      };
    }
  }
  if (isAtmosphericContext(input)) {
    return {
      quantity: 'baro',
      decided: true,
      reason: 'provider is an atmospheric probe (name or a Humidity channel): barometric',
    };
  }
  if (values && values.count >= 10 && values.min >= 80 && values.max <= 108) {
    return {
      quantity: 'baro',
      decided: true,
      reason: `steady at ${fmt(values.min)}–${fmt(values.max)} kPa over ${values.count} samples: barometric`,
    };
  }
  return {
    quantity: 'baro',
    decided: false,
    reason: 'a plain "Pressure" is barometric on Dynojet hardware; MAP channels say MAP',
  };
}

function pickTemperature(input: SuggestionInput, values: ValueSummary | null): Pick {
  if (isAtmosphericContext(input)) {
    return { quantity: 'ambient_temp', decided: true, reason: 'provider is an atmospheric probe: ambient temperature' };
  }
  if (values && values.max > 60) {
    return {
      quantity: 'ect',
      decided: false,
      reason: `reaches ${fmt(values.max)} °C, too hot for ambient air: maybe engine temperature`,
    };
  }
  if (values && values.min > -40 && values.max <= 50) {
    return {
      quantity: 'ambient_temp',
      decided: true,
      reason: `stays within ${fmt(values.min)}–${fmt(values.max)} °C: ambient air`,
    };
  }
  return {
    quantity: 'ambient_temp',
    decided: false,
    reason: 'a plain "Temperature" is the atmospheric probe naming: ambient',
  };
}

function pickInFamily(
  family: NameFamily,
  tokens: readonly string[],
  input: SuggestionInput,
  values: ValueSummary | null,
): Pick {
  if (family === 'pressure') return pickPressure(input, values);
  if (family === 'temperature') return pickTemperature(input, values);
  const [first, second] = FAMILY_MEMBERS[family];
  const position = channelPosition(tokens);
  if (position === 'second') return { quantity: second, decided: true, reason: `name says 2/rear: ${second}` };
  if (position === 'first') return { quantity: first, decided: true, reason: `name says 1/front: ${first}` };
  return { quantity: first, decided: true, reason: `no position in the name: ${first}` };
}

/** Choice among a unit's candidates when the name says nothing usable. */
function pickByUnit(
  unit: number,
  candidates: readonly Quantity[],
  tokens: readonly string[],
  input: SuggestionInput,
  values: ValueSummary | null,
): Pick {
  if (candidates.length === 1)
    return { quantity: candidates[0], decided: true, reason: `unit ${unit} carries only ${candidates[0]}` };
  if (unit === 7) return pickPressure(input, values);
  if (unit === 8) return pickInFamily('rpm', tokens, input, values);
  if (unit === 11) return pickInFamily('afr', tokens, input, values);
  if (unit === 13) return pickInFamily('lambda', tokens, input, values);
  if (unit === 6) {
    const pick = pickTemperature(input, values);
    return { ...pick, decided: pick.decided && pick.quantity === 'ambient_temp' && isAtmosphericContext(input) };
  }
  if (unit === 16 && isAtmosphericContext(input)) {
    return { quantity: 'humidity', decided: true, reason: 'a percentage on an atmospheric probe: humidity' };
  }
  return {
    quantity: candidates[0] ?? null,
    decided: false,
    reason: `unit ${unit} alone cannot tell ${candidates.join(' from ')}`,
  };
}

/**
 * Checks the recent values against the quantity's plausible range. A minority of outliers (a wideband reading free
 * air before the engine starts, a glitch) is tolerated; only a channel whose values are mostly implausible is doubted.
 */
function plausibility(
  quantity: Quantity,
  input: SuggestionInput,
  values: ValueSummary | null,
): { delta: number; reason: string | null } {
  if (!values) return { delta: 0, reason: null };
  const range = QUANTITY_PLAUSIBLE_SI[quantity];
  const expected = `the plausible ${fmt(range.min)}–${fmt(range.max)} for ${quantity}`;
  const recent = (input.values ?? []).filter((value) => Number.isFinite(value));
  if (recent.length === 0) {
    if (values.max < range.min || values.min > range.max) {
      return { delta: -0.3, reason: `values ${fmt(values.min)}–${fmt(values.max)} fall outside ${expected}` };
    }
    return { delta: 0, reason: null };
  }
  const outside = recent.filter((value) => value < range.min || value > range.max).length;
  if (outside * 2 > recent.length) {
    return { delta: -0.3, reason: `${outside} of ${recent.length} recent values fall outside ${expected}` };
  }
  if (outside > 0)
    return { delta: 0, reason: `${outside} of ${recent.length} recent values fall outside ${expected} (tolerated)` };
  return { delta: 0.05, reason: `values ${fmt(values.min)}–${fmt(values.max)} are plausible for ${quantity}` };
}

function finish(
  candidate: Quantity | null,
  score: number,
  reasons: string[],
  options: SuggestOptions,
): QuantitySuggestion {
  const confidence = Math.round(Math.min(1, Math.max(0, score)) * 100) / 100;
  return {
    quantity: candidate !== null && confidence >= options.acceptThreshold ? candidate : null,
    candidate,
    confidence,
    reasons,
  };
}

export function suggestQuantity(
  input: SuggestionInput,
  options: SuggestOptions = DEFAULT_SUGGEST_OPTIONS,
): QuantitySuggestion {
  const reasons: string[] = [];
  const tokens = nameTokens(input.name);
  const values = summarize(input);
  const unitName = UNIT_NAMES[input.unit];
  const candidates = UNIT_CANDIDATES[input.unit];

  const diagnostic = tokens.find((token) => DIAGNOSTIC_WORDS.has(token));
  if (diagnostic) {
    reasons.push(`"${input.name}" names a device diagnostic ("${diagnostic}"), not an engine or dyno quantity`);
    return finish(null, 0, reasons, options);
  }

  const verdict = nameVerdict(tokens);
  const byName: Quantity[] | null =
    verdict === null ? null : verdict.kind === 'quantity' ? [verdict.quantity] : [...FAMILY_MEMBERS[verdict.family]];

  let pick: Pick;
  let score: number;
  if (candidates !== undefined) {
    reasons.push(`unit byte ${input.unit} (${unitName}, ${UNIT_LABELS[input.unit] || 'no label'})`);
    if (candidates.length === 0) {
      reasons.push(`no quantity in the vocabulary is measured in ${unitName}`);
      return finish(null, 0, reasons, options);
    }
    const agreeing = byName?.filter((quantity) => candidates.includes(quantity)) ?? [];
    if (verdict && agreeing.length > 0) {
      if (agreeing.length === 1) {
        pick = { quantity: agreeing[0], decided: true, reason: `name "${input.name}" says ${agreeing[0]}` };
      } else {
        const family = verdict.kind === 'family' ? verdict.family : null;
        pick = family
          ? pickInFamily(family, tokens, input, values)
          : pickByUnit(input.unit, agreeing, tokens, input, values);
        pick = { ...pick, reason: `name "${input.name}" says ${family ?? agreeing.join('/')}; ${pick.reason}` };
      }
      score = pick.decided ? 0.9 : 0.7;
    } else {
      if (byName) reasons.push(`name "${input.name}" suggests ${byName.join('/')}, but the unit byte wins`);
      pick = pickByUnit(input.unit, candidates, tokens, input, values);
      score = (pick.decided ? 0.65 : 0.4) - (byName ? 0.1 : 0);
    }
  } else {
    reasons.push(`unit byte ${input.unit} (${unitName ?? 'unknown'}) gives no evidence; using the name`);
    if (!verdict) {
      reasons.push(`name "${input.name}" matches no quantity`);
      return finish(null, 0, reasons, options);
    }
    if (verdict.kind === 'quantity') {
      pick = { quantity: verdict.quantity, decided: true, reason: `name "${input.name}" says ${verdict.quantity}` };
      // A dimensionless quantity is expected to arrive without a unit, so its name is the full evidence.
      score = QUANTITY_UNIT[verdict.quantity] === 255 ? 0.8 : 0.65;
    } else {
      pick = pickInFamily(verdict.family, tokens, input, values);
      pick = { ...pick, reason: `name "${input.name}" says ${verdict.family}; ${pick.reason}` };
      score = pick.decided ? 0.65 : 0.55;
    }
  }
  reasons.push(pick.reason);
  if (pick.quantity === null) return finish(null, 0, reasons, options);
  const check = plausibility(pick.quantity, input, values);
  if (check.reason) reasons.push(check.reason);
  return finish(pick.quantity, score + check.delta, reasons, options);
}
