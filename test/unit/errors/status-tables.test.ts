import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ANALYSIS_ERROR_STATUS } from '../../../server/analysis/analysis-error.js';
import { SELECTOR_ERROR_STATUS } from '../../../server/channels/selector-error.js';
import { CONFIG_ERROR_STATUS } from '../../../server/config.js';
import { DASHBOARD_ERROR_STATUS } from '../../../server/dashboard/dashboard-error.js';
import { CodedError, INTERNAL_ERROR, toWireError } from '../../../server/errors/coded-error.js';
import { HTTP_ERROR_STATUS } from '../../../server/http/error-codes.js';
import { errorBody, toCodedError } from '../../../server/http/error-middleware.js';
import { HttpError } from '../../../server/http/http-error.js';
import { MAPPING_STORE_STATUS, MappingStoreError } from '../../../server/mapping/mapping-store.js';
import { STARTUP_ERROR_STATUS } from '../../../server/preflight.js';
import { FRAME_DECODE_STATUS, FrameDecodeError } from '../../../server/protocol/frame-decode-error.js';
import { FRAME_ENCODE_STATUS } from '../../../server/protocol/frame-encode-error.js';
import { SESSION_ERROR_STATUS, SessionError } from '../../../server/sessions/session-error.js';

const TABLES = {
  http: HTTP_ERROR_STATUS,
  sessions: SESSION_ERROR_STATUS,
  analysis: ANALYSIS_ERROR_STATUS,
  mapping: MAPPING_STORE_STATUS,
  dashboard: DASHBOARD_ERROR_STATUS,
  selector: SELECTOR_ERROR_STATUS,
  config: CONFIG_ERROR_STATUS,
  startup: STARTUP_ERROR_STATUS,
  frameDecode: FRAME_DECODE_STATUS,
  frameEncode: FRAME_ENCODE_STATUS,
};

describe('code → HTTP status tables', () => {
  it.each(Object.entries(TABLES))('%s: every code is SCREAMING_SNAKE with an error status', (_, table) => {
    for (const [code, status] of Object.entries(table)) {
      expect(code).toMatch(/^[A-Z][A-Z0-9_]+$/);
      expect(status, code).toBeGreaterThanOrEqual(400);
      expect(status, code).toBeLessThan(600);
    }
    expect(Object.isFrozen(table)).toBe(true);
  });

  it('gives the statuses clients rely on', () => {
    expect(HTTP_ERROR_STATUS).toMatchObject({
      VALIDATION_FAILED: 400,
      UNAUTHORIZED: 401,
      FORBIDDEN: 403,
      NOT_FOUND: 404,
      METHOD_NOT_ALLOWED: 405,
      PAYLOAD_TOO_LARGE: 413,
      RATE_LIMITED: 429,
      INTERNAL_ERROR: 500,
    });
    expect(SESSION_ERROR_STATUS).toMatchObject({
      SESSION_NOT_FOUND: 404,
      SESSION_NOT_RUNNING: 409,
      TOO_MANY_RUNNING: 429,
    });
    expect(MAPPING_STORE_STATUS).toEqual({ MAPPING_LIMIT_EXCEEDED: 400, MAPPING_STORE_UNAVAILABLE: 503 });
    expect(DASHBOARD_ERROR_STATUS).toEqual({ DASHBOARD_BUILD_FAILED: 500, DASHBOARD_ASSET_NOT_FOUND: 404 });
  });

  it('every module error is a CodedError carrying the status of its table', () => {
    const errors: CodedError[] = [
      new HttpError('PROVIDER_NOT_FOUND', 'x'),
      new SessionError('SESSION_NOT_RUNNING', 'x'),
      new MappingStoreError('MAPPING_STORE_UNAVAILABLE', 'x'),
      new FrameDecodeError('TOO_SHORT', 0, 'x'),
    ];
    expect(errors.map((e) => [e instanceof CodedError, e.name, e.status])).toEqual([
      [true, 'HttpError', 404],
      [true, 'SessionError', 409],
      [true, 'MappingStoreError', 503],
      [true, 'FrameDecodeError', 400],
    ]);
  });
});

describe('the wire form', () => {
  it('is { code, message, field? } in acks, without details or headers', () => {
    const error = new HttpError('VALIDATION_FAILED', 'body.rate: must be <= 100', {
      field: 'body.rate',
      details: { issues: [] },
      headers: { 'X-A': '1' },
    });
    expect(toWireError(error)).toEqual({
      code: 'VALIDATION_FAILED',
      message: 'body.rate: must be <= 100',
      field: 'body.rate',
    });
    expect(toWireError(new SessionError('SESSION_NOT_FOUND', 'gone'))).toEqual({
      code: 'SESSION_NOT_FOUND',
      message: 'gone',
    });
    expect(toWireError(new Error('secret /x.ts:1'))).toEqual(INTERNAL_ERROR);
  });

  it('is { success: false, error } over HTTP, details kept for HTTP clients', () => {
    const error = new HttpError('VALIDATION_FAILED', 'm', { field: 'f', details: { issues: [1] } });
    expect(errorBody(error)).toEqual({
      success: false,
      error: { code: 'VALIDATION_FAILED', message: 'm', field: 'f', details: { issues: [1] } },
    });
  });

  it('maps what others throw: zod errors, body-parser statuses, anything else', () => {
    const zod = z.object({ a: z.number() }).safeParse({ a: 'x' });
    expect(zod.success).toBe(false);
    const fromZod = toCodedError(zod.error, 1024);
    expect([fromZod.status, fromZod.code, fromZod.message, fromZod.field]).toEqual([
      400,
      'VALIDATION_FAILED',
      'request.a: expected number, got string',
      'request.a',
    ]);
    const tooLarge = toCodedError(Object.assign(new Error('too large'), { status: 413 }), 4096);
    expect([tooLarge.status, tooLarge.code, tooLarge.message]).toEqual([
      413,
      'PAYLOAD_TOO_LARGE',
      'request body exceeds the limit of 4096 bytes',
    ]);
    const unknown = toCodedError(new TypeError('boom'), 1024);
    expect([unknown.status, unknown.code, unknown.message]).toEqual([500, 'INTERNAL_ERROR', 'internal server error']);
    expect(unknown.cause).toBeInstanceOf(TypeError);
  });
});
