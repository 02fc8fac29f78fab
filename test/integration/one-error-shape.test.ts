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
  // With the dashboard, so its routes are walked too.
  t = await startTestHub({ controlBurst: 100_000, viewerToken: HUB_VIEWER }, { dashboard: true });
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
): Promise<{ status: number; error: WireError & { details?: unknown } }> {
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

// Every route the hub serves, from the Koa routers' own stacks: a route added later is walked without anyone listing
// it here. Each must keep the one input rule (an unknown query parameter or body field is refused by name, listing
// the accepted ones; cache busters pass), answer 404 rather than 401 below it, and answer in one of the two shapes.
describe('every route, walked from the routers', () => {
  const DYNO = encodeURIComponent('Simulated Dyno');
  /** The page and its assets are not API: browsers and links add query parameters to them (utm_*, ?v=). */
  const NOT_API = new Set(['/', '/dashboard/:file']);
  const PUBLIC = new Set(['/health', '/ready', '/', '/dashboard/:file']);

  interface Walked {
    method: string;
    pattern: string;
    path: string;
  }

  function walked(): Walked[] {
    const routes = t.hub.http()?.routes() ?? [];
    return routes.flatMap((r) =>
      r.methods
        .filter((method) => method !== 'HEAD')
        .map((method) => ({
          method,
          pattern: r.path,
          path: r.path.replace(':provider', DYNO).replace(':id', 'tune_0_0').replace(':file', 'nope.js'),
        })),
    );
  }

  async function raw(method: string, path: string, headers: Record<string, string>, body?: string) {
    const response = await fetch(t.url + path, { method, headers, ...(body === undefined ? {} : { body }) });
    const text = await response.text();
    const json = response.headers.get('content-type')?.startsWith('application/json') ? JSON.parse(text) : null;
    return { status: response.status, json: json as Record<string, unknown> | null };
  }

  it('finds the routes of every router, including those the hub wiring adds', () => {
    const patterns = walked().map((r) => `${r.method} ${r.pattern}`);
    for (const expected of [
      'GET /health',
      'GET /api/jetdrive/status',
      'PUT /api/jetdrive/mapping/:provider',
      'POST /api/jetdrive/simulator/start',
      'GET /api/auth/whoami',
      'POST /api/virtual-tune/start',
      'GET /api/virtual-tune/status/:id',
      'GET /dashboard/:file',
    ]) {
      expect(patterns).toContain(expected);
    }
    expect(patterns.length).toBeGreaterThanOrEqual(25);
  });

  it('an unknown query parameter is refused by name on every API route; a cache buster is not', async () => {
    for (const r of walked().filter((w) => !NOT_API.has(w.pattern))) {
      const label = `${r.method} ${r.pattern}`;
      const refused = await http(`${r.path}?units_x=metric`, { method: r.method, token: HUB_OPERATOR });
      expect(refused.status, label).toBe(400);
      expect(refused.error, label).toMatchObject({
        code: 'VALIDATION_FAILED',
        field: 'query.units_x',
        message: expect.stringMatching(/^query\.units_x: unknown field; (the fields are |none are accepted here)/),
      });
      if (r.method !== 'GET') continue;
      const plain = await raw('GET', r.path, { authorization: `Bearer ${HUB_OPERATOR}` });
      const busted = await raw('GET', `${r.path}?_=1700000000000&_t=1`, { authorization: `Bearer ${HUB_OPERATOR}` });
      expect(busted.status, label).toBe(plain.status);
    }
  });

  it('an unknown body field is refused by name on every route that takes a body, before anything happens', async () => {
    const before = (await raw('GET', '/api/virtual-tune/sessions', { authorization: `Bearer ${HUB_OPERATOR}` })).json;
    for (const r of walked().filter((w) => ['POST', 'PUT', 'PATCH'].includes(w.method))) {
      const label = `${r.method} ${r.pattern}`;
      const refused = await http(r.path, { method: r.method, token: HUB_OPERATOR, body: { max_iteration: 3 } });
      expect(refused.status, label).toBe(400);
      expect(refused.error.code, label).toBe('VALIDATION_FAILED');
      const issues = (refused.error.details as { issues: { field: string; message: string }[] }).issues;
      expect(issues, label).toContainEqual({
        field: expect.stringMatching(/(^|\.)max_iteration$/),
        message: expect.stringMatching(/^unknown field; (the fields are |none are accepted here)/),
      });
    }
    // Nothing started, stopped or stored.
    const after = (await raw('GET', '/api/virtual-tune/sessions', { authorization: `Bearer ${HUB_OPERATOR}` })).json;
    expect(after).toEqual(before);
    const sim = await raw('GET', '/api/jetdrive/simulator/status', { authorization: `Bearer ${HUB_OPERATOR}` });
    expect(sim.json).toMatchObject({ success: true, active: true });
  });

  it('below every route, a missing or wrong token gets 404, not 401; the route itself asks for the token', async () => {
    for (const r of walked()) {
      const label = `${r.method} ${r.pattern}`;
      const below = `${r.path.replace(/\/$/, '')}/no-such/route`;
      for (const token of [undefined, 'a-wrong-token-0000']) {
        const missing = await http(below, { method: r.method, ...(token ? { token } : {}) });
        expect(missing.status, `${label} below, token ${token}`).toBe(404);
        expect(missing.error.code).toBe('NOT_FOUND');
      }
      if (PUBLIC.has(r.pattern)) continue;
      const refused = await http(r.path, { method: r.method });
      expect(refused.status, label).toBe(401);
      expect(refused.error.code).toBe('UNAUTHORIZED');
    }
  });

  it('every JSON answer is { success: true, … } or the one error shape', async () => {
    for (const r of walked().filter((w) => w.method === 'GET')) {
      const answer = await raw('GET', r.path, { authorization: `Bearer ${HUB_OPERATOR}` });
      const label = `GET ${r.pattern} (${answer.status})`;
      if (answer.json === null) {
        expect(['/metrics', '/'], label).toContain(r.pattern);
        continue;
      }
      if (answer.status < 400) {
        expect(answer.json.success, label).toBe(true);
        continue;
      }
      expect(answer.json.success, label).toBe(false);
      expect(Object.keys(answer.json).sort(), label).toEqual(['error', 'success']);
      expectWireError(answer.json.error as WireError, ['details']);
    }
  });
});
