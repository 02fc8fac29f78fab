import type { Context } from 'koa';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { HttpError } from '../../../server/http/http-error.js';
import { validateBody, validateParams, validateQuery } from '../../../server/http/validate.js';

function ctxWith(body: unknown, query: Record<string, string | string[]> = {}): Context {
  return { request: { body }, query } as unknown as Context;
}

function thrown(fn: () => unknown): HttpError {
  try {
    fn();
  } catch (error) {
    if (error instanceof HttpError) return error;
    throw error;
  }
  throw new Error('expected a throw');
}

describe('validateBody / validateQuery / validateParams', () => {
  const body = z.object({ rate: z.number().min(1).max(100), name: z.string() }).strict();

  it('returns the parsed value when valid', () => {
    expect(validateBody(body, ctxWith({ rate: 5, name: 'x' }))).toEqual({ rate: 5, name: 'x' });
  });

  it('names the first failing field with its path and lists every issue', () => {
    const error = thrown(() => validateBody(body, ctxWith({ rate: 500 })));
    expect(error.status).toBe(400);
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(error.message).toMatch(/^body\.rate: .*100.* \(and 1 more\)$/);
    expect(error.details).toEqual({
      issues: [
        { field: 'body.rate', message: expect.any(String) },
        { field: 'body.name', message: expect.any(String) },
      ],
    });
  });

  it('names nested and record fields', () => {
    const schema = z.object({ channels: z.record(z.string(), z.object({ hidden: z.boolean() })) });
    expect(
      thrown(() => validateBody(schema, ctxWith({ channels: { 'Air/Fuel Ratio 1': { hidden: 'yes' } } }))).message,
    ).toMatch(/^body\.channels\.Air\/Fuel Ratio 1\.hidden: /);
  });

  it('prefixes query and params failures', () => {
    const query = z.object({ samples: z.coerce.number().int().min(1) });
    expect(validateQuery(query, ctxWith(undefined, { samples: '7' }))).toEqual({ samples: 7 });
    expect(thrown(() => validateQuery(query, ctxWith(undefined, { samples: 'many' }))).message).toMatch(
      /^query\.samples: /,
    );
    expect(thrown(() => validateParams(z.object({ id: z.string().max(3) }), { id: 'toolong' })).message).toMatch(
      /^params\.id: /,
    );
  });

  it('reports a missing body as the body itself', () => {
    expect(thrown(() => validateBody(body, ctxWith(undefined))).message).toMatch(/^body: /);
  });
});
