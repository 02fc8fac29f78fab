import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  command,
  connectViewer,
  HUB_OPERATOR,
  HUB_VIEWER,
  startTestHub,
  type TestHub,
  type TestSocket,
} from '../support/start-test-hub.js';

// Issue 14 §3: one error path. Whatever goes wrong — a payload that fails its schema, a refused role, something that
// is not there, a wrong method, a fault inside — HTTP answers `{ success: false, error: { code, message, field? } }`
// and a socket ack `{ ok: false, error: { code, message, field? } }`, with the same code and message for the same
// mistake.

let t: TestHub;
let viewer: TestSocket;
let operator: TestSocket;

beforeAll(async () => {
  t = await startTestHub({ controlBurst: 1000, viewerToken: HUB_VIEWER });
  viewer = await connectViewer(t.url, HUB_VIEWER);
  operator = await connectViewer(t.url, HUB_OPERATOR);
});
afterAll(async () => {
  viewer?.close();
  operator?.close();
  await t?.close();
});

interface WireError {
  code: string;
  message: string;
  field?: string;
}

async function http(
  path: string,
  init: { method?: string; token?: string; body?: unknown } = {},
): Promise<{ status: number; error: WireError }> {
  const headers: Record<string, string> = {};
  if (init.token) headers.authorization = `Bearer ${init.token}`;
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(t.url + path, {
    method: init.method ?? 'GET',
    headers,
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
  });
  expect(response.headers.get('content-type')).toMatch(/^application\/json/);
  const body = (await response.json()) as { success: unknown; error: WireError & { details?: unknown } };
  expect(body.success).toBe(false);
  expectWireError(body.error, ['details']);
  return { status: response.status, error: body.error };
}

async function socketError(socket: TestSocket, event: string, ...args: unknown[]): Promise<WireError> {
  const result = await command(socket, event, ...args);
  expect(result.ok).toBe(false);
  if (result.ok) throw new Error('expected a refusal');
  expectWireError(result.error, []);
  return result.error;
}

function expectWireError(error: WireError, extra: string[]): void {
  expect(typeof error.code).toBe('string');
  expect(error.code).toMatch(/^[A-Z][A-Z_]+$/);
  expect(typeof error.message).toBe('string');
  if (error.field !== undefined) expect(typeof error.field).toBe('string');
  for (const key of Object.keys(error)) expect(['code', 'message', 'field', ...extra]).toContain(key);
  expect(JSON.stringify(error)).not.toMatch(/\bat .*\.[jt]s:\d+/);
}

describe('one error shape over HTTP and Socket.IO', () => {
  it('a validation error: same code, message and field, naming the real limit', async () => {
    const body = { max_iterations: 51 };
    const overHttp = await http('/api/virtual-tune/start', { method: 'POST', token: HUB_OPERATOR, body });
    expect(overHttp.status).toBe(400);
    expect(overHttp.error).toMatchObject({
      code: 'VALIDATION_FAILED',
      message: 'max_iterations: must be <= 50',
      field: 'max_iterations',
    });
    const overSocket = await socketError(operator, 'session:start', body);
    expect(overSocket).toEqual({ code: 'VALIDATION_FAILED', message: overHttp.error.message, field: 'max_iterations' });
  });

  it('an auth error: a viewer token for control is FORBIDDEN on both doors', async () => {
    const overHttp = await http('/api/virtual-tune/stop/tune_1_1', { method: 'POST', token: HUB_VIEWER });
    expect(overHttp.status).toBe(403);
    expect(overHttp.error.code).toBe('FORBIDDEN');
    const overSocket = await socketError(viewer, 'session:stop', 'tune_1_1');
    expect(overSocket.code).toBe('FORBIDDEN');
    const anonymous = await http('/api/jetdrive/channels');
    expect(anonymous.status).toBe(401);
    expect(anonymous.error.code).toBe('UNAUTHORIZED');
  });

  it('a 404: no route, and no such session, in the same shape', async () => {
    const noRoute = await http('/api/jetdrive/nope', { token: HUB_VIEWER });
    expect(noRoute.status).toBe(404);
    expect(noRoute.error.code).toBe('NOT_FOUND');
    const noSession = await http('/api/virtual-tune/results/tune_0_0', { token: HUB_VIEWER });
    expect(noSession.status).toBe(404);
    expect(noSession.error.code).toBe('SESSION_NOT_FOUND');
    const overSocket = await socketError(viewer, 'session:results', 'tune_0_0');
    expect(overSocket).toEqual(noSession.error);
  });

  it('a 405 over HTTP, and its socket cousin (an event that is not a command), in the same shape', async () => {
    const overHttp = await http('/api/jetdrive/status', { method: 'DELETE', token: HUB_OPERATOR });
    expect(overHttp.status).toBe(405);
    expect(overHttp.error.code).toBe('METHOD_NOT_ALLOWED');
    const overSocket = await socketError(operator, 'status:delete', {});
    expect(overSocket.code).toBe('UNKNOWN_EVENT');
  });

  it('an internal error says nothing about the inside, on both doors', async () => {
    const registry = t.hub.ingest.registry;
    const catalog = registry.catalog;
    registry.catalog = () => {
      throw new Error('secret internals at /work/main/server/x.ts:12');
    };
    try {
      const overHttp = await http('/api/jetdrive/mapping/Anything', { token: HUB_VIEWER });
      expect(overHttp.status).toBe(500);
      expect(overHttp.error).toEqual({ code: 'INTERNAL_ERROR', message: 'internal server error' });
      const overSocket = await socketError(viewer, 'catalog:get');
      expect(overSocket).toEqual(overHttp.error);
    } finally {
      registry.catalog = catalog;
    }
  });

  it('counts every error answer by code in /metrics', async () => {
    const response = await fetch(`${t.url}/metrics`, { headers: { authorization: `Bearer ${HUB_VIEWER}` } });
    const text = await response.text();
    for (const code of ['VALIDATION_FAILED', 'FORBIDDEN', 'UNAUTHORIZED', 'NOT_FOUND', 'SESSION_NOT_FOUND']) {
      expect(text, code).toMatch(new RegExp(`jetdrive_http_errors_total\\{code="${code}"\\} [1-9]`));
    }
    expect(text).toMatch(/jetdrive_http_errors_total\{code="METHOD_NOT_ALLOWED"\} [1-9]/);
    expect(text).toMatch(/jetdrive_http_errors_total\{code="INTERNAL_ERROR"\} [1-9]/);
  });
});
