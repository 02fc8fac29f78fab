import type { z } from 'zod';

// The one zod-issue formatter of the hub (HTTP bodies, query strings, socket payloads, session configs): every
// issue names its field path and the real limit, e.g. "max_iterations: must be <= 50".

export interface FieldIssue {
  field: string;
  message: string;
}

export interface DescribedZodError {
  /** The first failing field. */
  field: string;
  /** "field: what is wrong", plus " (and N more)" when there are more issues. */
  message: string;
  /** Every issue, so a client can fix all of them at once. */
  issues: FieldIssue[];
}

export interface DescribeOptions {
  /** Put before every field path ("body" gives "body.rate"); also names the value itself. */
  prefix?: string;
  /** The name of the whole value when the issue is about it (default: the prefix, else "payload"). */
  root?: string;
}

/** Message of an unknown key in a strict object made with strictFieldsError. */
const UNKNOWN_FIELD = 'unknown field';

/** For `z.strictObject(shape, strictFieldsError(shape))`: an unknown key's message lists the known fields. */
export function strictFieldsError(shape: Record<string, unknown>): {
  error: (issue: { code: string }) => string | undefined;
} {
  const names = Object.keys(shape);
  const known = names.length > 0 ? `the fields are ${names.join(', ')}` : 'none are accepted here';
  return { error: (issue) => (issue.code === 'unrecognized_keys' ? `${UNKNOWN_FIELD}; ${known}` : undefined) };
}

type Issue = z.core.$ZodIssue;

const SIZE_UNITS: Readonly<Record<string, string>> = {
  string: 'characters',
  array: 'items',
  set: 'items',
  file: 'bytes',
};

function bound(issue: Issue & { code: 'too_big' | 'too_small' }): string {
  const limit = issue.code === 'too_big' ? issue.maximum : issue.minimum;
  const unit = SIZE_UNITS[issue.origin];
  if (unit && issue.code === 'too_small' && Number(limit) === 1) return 'must not be empty';
  if (unit) return `must have ${issue.code === 'too_big' ? 'at most' : 'at least'} ${String(limit)} ${unit}`;
  const op = issue.code === 'too_big' ? (issue.inclusive ? '<=' : '<') : issue.inclusive ? '>=' : '>';
  return `must be ${op} ${String(limit)}`;
}

/** zod's own messages start like this; anything else was written by the schema's author and is kept. */
const DEFAULT_MESSAGE = /^(Too big|Too small|Invalid input|Invalid option|Unrecognized key|Invalid )/;

function describeIssue(issue: Issue): string {
  if (!DEFAULT_MESSAGE.test(issue.message)) return issue.message;
  switch (issue.code) {
    case 'too_big':
    case 'too_small':
      return bound(issue);
    case 'invalid_type': {
      const received = /received (-?\w+)/.exec(issue.message)?.[1];
      if (received === 'undefined') return `required (${issue.expected})`;
      // `.int()` reports a fraction as "expected int, received number".
      if (issue.expected === 'int' && received === 'number') return 'must be a whole number';
      // A number read from text (a query parameter, a flag) that is none: "banana" arrives as NaN.
      if (received === 'NaN') return 'must be a number';
      return received ? `expected ${issue.expected}, got ${received}` : `expected ${issue.expected}`;
    }
    case 'invalid_value':
      return `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    case 'unrecognized_keys':
      return UNKNOWN_FIELD;
    case 'invalid_format':
      return `must be a valid ${issue.format}`;
    case 'not_multiple_of':
      return `must be a multiple of ${String(issue.divisor)}`;
    case 'invalid_union':
      return 'matches none of the accepted forms';
    default:
      return issue.message;
  }
}

function fieldOf(path: readonly PropertyKey[], options: DescribeOptions): string {
  const parts = path.map((part) => String(part));
  if (options.prefix) return [options.prefix, ...parts].join('.');
  return parts.length > 0 ? parts.join('.') : (options.root ?? 'payload');
}

const pathKey = (issue: Issue): string => JSON.stringify(issue.path.map(String));

/**
 * `.int()` adds the safe-integer range as a bound of its own, checked before the schema's `.min()`/`.max()`: 1e20
 * against `.int().max(50)` fails both, and "must be <= 9007199254740991" would come first. That bound is dropped
 * when the same field also failed a bound the schema's author wrote, so the message names the real limit.
 */
function withoutSafeIntegerBounds(issues: readonly Issue[]): Issue[] {
  const authored = new Set(
    issues
      .filter((issue) => (issue.code === 'too_big' || issue.code === 'too_small') && issue.origin !== 'int')
      .map(pathKey),
  );
  return issues.filter(
    (issue) =>
      !((issue.code === 'too_big' || issue.code === 'too_small') && issue.origin === 'int' && authored.has(pathKey(issue))),
  );
}

/** Every issue as `{ field, message }`; an unknown-keys issue gives one entry per key (names cut at 64 characters). */
export function zodIssues(error: z.ZodError, options: DescribeOptions = {}): FieldIssue[] {
  return withoutSafeIntegerBounds(error.issues).flatMap((issue): FieldIssue[] => {
    const message = describeIssue(issue);
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({ field: fieldOf([...issue.path, key.slice(0, 64)], options), message }));
    }
    return [{ field: fieldOf(issue.path, options), message }];
  });
}

export function describeZodError(error: z.ZodError, options: DescribeOptions = {}): DescribedZodError {
  const issues = zodIssues(error, options);
  const first = issues[0] ?? { field: fieldOf([], options), message: 'invalid' };
  const more = issues.length > 1 ? ` (and ${issues.length - 1} more)` : '';
  return { field: first.field, message: `${first.field}: ${first.message}${more}`, issues };
}
