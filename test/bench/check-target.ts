import type { BenchResult } from './types.js';

export type TargetVerdict = 'met' | 'missed' | 'unchecked';

const COMPARE: Readonly<Record<string, (a: number, b: number) => boolean>> = {
  '≥': (a, b) => a >= b,
  '≤': (a, b) => a <= b,
  '>': (a, b) => a > b,
  '<': (a, b) => a < b,
};

/**
 * Whether a row meets its target. `≥ 0.8x` compares the same-run ratio; `≤ 5 ms` compares the value when the unit
 * matches the row's. `≈` targets and rows without a target or a ratio are informational: `unchecked`.
 */
export function checkTarget(result: BenchResult): TargetVerdict {
  const match = /^([≥≤<>])\s*(\d+(?:\.\d+)?)\s*(\S+)$/.exec(result.target?.trim() ?? '');
  if (!match) return 'unchecked';
  const [, op, bound, unit] = match;
  const compare = COMPARE[op];
  if (compare === undefined) return 'unchecked';
  const actual = unit === 'x' ? result.ratio : unit === result.unit ? result.value : undefined;
  if (actual === undefined || !Number.isFinite(actual)) return 'unchecked';
  return compare(actual, Number(bound)) ? 'met' : 'missed';
}
