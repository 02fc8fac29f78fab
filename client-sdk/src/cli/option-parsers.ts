import { InvalidArgumentError, type Option } from 'commander';
import { checkHubUrl } from '../describe-connect-error.js';
import { parseDuration } from './parse-duration.js';

// commander argParsers: each returns the parsed value or throws InvalidArgumentError naming what is expected
// (commander prints "error: option '--timeout <duration>' argument 'banana' is invalid. <reason>").

/**
 * `option.choices(values)` that takes any case (`--units METRIC`, `JETDRIVE_HUB_UNITS=Metric`), as the hub's own
 * flags and environment do; the help still lists the choices and a wrong value reads as commander's own refusal.
 */
export function choicesAnyCase(option: Option, values: readonly string[]): Option {
  return option.choices(values).argParser((text: string) => {
    const wanted = text.trim().toLowerCase();
    const found = values.find((value) => value.toLowerCase() === wanted);
    if (found === undefined) throw new InvalidArgumentError(`Allowed choices are ${values.join(', ')}.`);
    return found;
  });
}

export function positiveNumber(text: string): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || value <= 0) {
    throw new InvalidArgumentError('expected a number above 0');
  }
  return value;
}

/** An integer within [min, max]. */
export function integerIn(min: number, max: number): (text: string) => number {
  return (text) => {
    const value = Number(text);
    if (!/^\s*-?\d+\s*$/.test(text) || value < min || value > max) {
      throw new InvalidArgumentError(`expected a whole number from ${min} to ${max}`);
    }
    return value;
  };
}

export function duration(text: string): number {
  let ms: number;
  try {
    ms = parseDuration(text);
  } catch (error) {
    throw new InvalidArgumentError((error as Error).message);
  }
  if (ms <= 0) throw new InvalidArgumentError('expected a duration above 0 (e.g. 30s)');
  return ms;
}

export function hubUrl(text: string): string {
  const invalid = checkHubUrl(text);
  if (invalid) throw new InvalidArgumentError(`${invalid.message}; ${invalid.hint}`);
  return text;
}

/** Milliseconds as the user would type them: 30s, 500ms, 2m. */
export function formatDuration(ms: number): string {
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  if (ms % 1_000 === 0) return `${ms / 1_000}s`;
  return `${ms}ms`;
}
