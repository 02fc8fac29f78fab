import {
  cleanupRequestSchema,
  closedObject,
  describeZodError,
  sessionStartSchema,
  zodIssues,
} from '@jetdrive-hub/client/contract';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';

function described(schema: z.ZodType, input: unknown, options?: Parameters<typeof describeZodError>[1]) {
  const parsed = schema.safeParse(input);
  if (parsed.success) throw new Error('expected a validation error');
  return describeZodError(parsed.error, options);
}

describe('describeZodError (the one zod formatter)', () => {
  it('names the field and the real limit', () => {
    expect(described(sessionStartSchema, { max_iterations: 51 }, { root: '(body)' })).toEqual({
      field: 'max_iterations',
      message: 'max_iterations: must be <= 50',
      issues: [{ field: 'max_iterations', message: 'must be <= 50' }],
    });
    expect(described(sessionStartSchema, { convergence_threshold_afr: 0 }).message).toBe(
      'convergence_threshold_afr: must be > 0',
    );
    expect(described(sessionStartSchema, { max_iterations: 0 }).message).toBe('max_iterations: must be >= 1');
  });

  it('says what type was expected and what came', () => {
    expect(described(z.object({ rate: z.number() }), { rate: 'fast' }).message).toBe(
      'rate: expected number, got string',
    );
    expect(described(z.object({ rate: z.number() }), {}).message).toBe('rate: required (number)');
  });

  it('sizes of strings and arrays in characters and items', () => {
    const schema = z.object({ name: z.string().max(3), list: z.array(z.string()).min(1) });
    const parsed = schema.safeParse({ name: 'long', list: [] });
    expect(parsed.success ? [] : zodIssues(parsed.error)).toEqual([
      { field: 'name', message: 'must have at most 3 characters' },
      { field: 'list', message: 'must not be empty' },
    ]);
  });

  it('lists the allowed values of an enum', () => {
    expect(described(sessionStartSchema, { base_ve_scenario: 'very_lean' }).message).toBe(
      'base_ve_scenario: must be one of "perfect", "lean", "rich", "custom"',
    );
  });

  it('names each unknown field and lists the known ones', () => {
    const result = described(sessionStartSchema, { turbo: 1, seed: 7 }, { root: '(body)' });
    expect(result.field).toBe('turbo');
    expect(result.message).toMatch(/^turbo: unknown field; the fields are engine_profile, .*, seed$/);
  });

  it('prefixes paths, names the whole value by its root, counts the rest', () => {
    const schema = z.strictObject({ rate: z.number().max(100), name: z.string() });
    expect(described(schema, { rate: 500 }, { prefix: 'body' }).message).toBe('body.rate: must be <= 100 (and 1 more)');
    expect(described(schema, 'x', { prefix: 'body' }).field).toBe('body');
    expect(described(schema, 'x').field).toBe('payload');
    expect(described(schema, 'x', { root: '(body)' }).field).toBe('(body)');
  });

  it('keeps messages the schema author wrote', () => {
    const schema = z.union([z.undefined(), z.null()], { error: 'this command takes no payload' });
    expect(described(schema, 3).message).toBe('payload: this command takes no payload');
  });

  it('names the real limit first even beyond the safe-integer range (.int() adds a bound of its own)', () => {
    for (const value of [1e20, 2 ** 53, Number.MAX_VALUE]) {
      expect(described(sessionStartSchema, { max_iterations: value }, { root: '(body)' })).toEqual({
        field: 'max_iterations',
        message: 'max_iterations: must be <= 50',
        issues: [{ field: 'max_iterations', message: 'must be <= 50' }],
      });
    }
    expect(described(sessionStartSchema, { seed: -1e20 }).message).toBe('seed: must be >= 0');
    expect(described(z.coerce.number().int().min(1).max(500), '1e20', { prefix: 'query.samples' }).message).toBe(
      'query.samples: must be <= 500',
    );
    // Without a bound of the schema's own, the safe-integer range is the real limit and is named.
    expect(described(z.number().int(), 1e20).message).toBe('payload: must be <= 9007199254740991');
  });

  it('says a fraction is not a whole number, and names -Infinity', () => {
    expect(described(sessionStartSchema, { max_iterations: 3.5 }).message).toBe(
      'max_iterations: must be a whole number',
    );
    expect(described(z.number(), Number.NEGATIVE_INFINITY).message).toBe('payload: expected number, got -Infinity');
    // Text that is no number ("banana" in a query string or a flag) is coerced to NaN: say what it must be.
    expect(described(z.object({ samples: z.coerce.number() }), { samples: 'banana' }).message).toBe(
      'samples: must be a number',
    );
  });

  it('closedObject refuses unknown fields by name, listing the accepted ones (or none)', () => {
    expect(described(closedObject({}), { bogus: 1 }, { prefix: 'query' }).message).toBe(
      'query.bogus: unknown field; none are accepted here',
    );
    expect(described(cleanupRequestSchema, { all_complete: true }).message).toBe(
      'all_complete: unknown field; the fields are all_completed, max_age_minutes',
    );
    expect(cleanupRequestSchema.parse(null)).toEqual({});
  });
});
