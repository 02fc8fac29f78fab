import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SOCKET_COMMAND_ROLES } from '../../server/auth/socket-command-roles.js';
import {
  command,
  connectViewer,
  HUB_OPERATOR,
  HUB_VIEWER,
  startTestHub,
  type TestHub,
  type TestSocket,
} from '../support/start-test-hub.js';
import { until } from '../support/until.js';

// Every control path, one by one, through a real hub: no token → 401, a bad token → 401, the viewer token → 403,
// the operator token → done. And every read route with and without HUB_VIEWER_TOKEN.

const DYNO = encodeURIComponent('Simulated Dyno');

interface Call {
  method: string;
  path: string;
  body?: unknown;
}

async function call(base: string, c: Call, token?: string, authorization?: string) {
  const headers: Record<string, string> = {};
  if (token !== undefined) headers.authorization = `Bearer ${token}`;
  if (authorization !== undefined) headers.authorization = authorization;
  if (c.body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(base + c.path, {
    method: c.method,
    headers,
    body: c.body === undefined ? undefined : JSON.stringify(c.body),
  });
  const text = await response.text();
  let body: unknown = text;
  if (response.headers.get('content-type')?.includes('json')) body = JSON.parse(text);
  return { status: response.status, body, headers: response.headers };
}

/** Every control route the hub serves; `status` is what the operator gets in this order (with the hub state then). */
const CONTROL: (Call & { status: number })[] = [
  { method: 'POST', path: '/api/analysis', body: { provider: 'Simulated Dyno', load: 'map' }, status: 201 },
  { method: 'PUT', path: `/api/jetdrive/mapping/${DYNO}`, body: { channels: { MAP: { hidden: true } } }, status: 200 },
  { method: 'DELETE', path: `/api/jetdrive/mapping/${DYNO}`, status: 200 },
  { method: 'POST', path: '/api/jetdrive/simulator/pull', status: 200 },
  { method: 'POST', path: '/api/jetdrive/simulator/stop', status: 200 },
  { method: 'POST', path: '/api/jetdrive/simulator/start', body: {}, status: 200 },
  { method: 'POST', path: '/api/virtual-tune/start', body: { max_iterations: 1 }, status: 200 },
  { method: 'POST', path: '/api/virtual-tune/stop/:session', status: 200 },
  { method: 'POST', path: '/api/virtual-tune/cleanup', body: { all_completed: true }, status: 200 },
];

const READS = [
  '/api/analysis',
  '/api/jetdrive/status',
  '/api/jetdrive/providers',
  '/api/jetdrive/channels',
  '/api/jetdrive/channels/unmapped',
  '/api/jetdrive/hardware/channels/discover',
  '/api/jetdrive/mapping',
  `/api/jetdrive/mapping/${DYNO}`,
  '/api/jetdrive/simulator/status',
  '/api/jetdrive/simulator/profiles',
  '/api/virtual-tune/sessions',
  '/api/virtual-tune/health',
  '/metrics',
];

const PUBLIC = ['/health', '/ready', '/'];

const CONTROL_COMMANDS = Object.entries(SOCKET_COMMAND_ROLES)
  .filter(([, role]) => role === 'operator')
  .map(([event]) => event);
const READ_COMMANDS = Object.entries(SOCKET_COMMAND_ROLES)
  .filter(([, role]) => role === 'viewer')
  .map(([event]) => event);

/** A well-formed payload per command (so a refusal is about the token, never the payload). */
const PAYLOADS: Record<string, unknown[]> = {
  'channel:subscribe': [{ selectors: ['*'] }],
  'channel:unsubscribe': ['nope'],
  'catalog:get': [],
  'session:watch': ['nope'],
  'session:unwatch': ['nope'],
  'session:list': [],
  'session:results': ['nope'],
  'session:start': [{ max_iterations: 1 }],
  'session:stop': ['nope'],
  'session:cleanup': [{ all_completed: true }],
  'analysis:watch': ['nope'],
  'analysis:unwatch': ['nope'],
  'analysis:list': [],
  'analysis:get': ['nope'],
  'analysis:export': [{ id: 'nope', kind: 'hits' }],
  'analysis:start': [{ provider: 'Simulated Dyno', load: 'map' }],
  'analysis:stop': ['nope'],
  'analysis:reset': ['nope'],
  'analysis:delete': ['nope'],
  'run:list': [{ limit: 5 }],
  'run:get': ['20990101T000000Z-000000'],
  'run:update': [{ id: '20990101T000000Z-000000', pinned: true }],
  'run:delete': ['20990101T000000Z-000000'],
  'recording:status': [],
  'recording:start': [{ name: 'nope' }],
  'recording:stop': [],
};

async function waitForChannels(base: string): Promise<void> {
  await until(
    async () =>
      (await call(base, { method: 'GET', path: '/api/jetdrive/hardware/channels/discover' }, HUB_OPERATOR)).status ===
      200,
    15_000,
    'simulated channels',
    50,
  );
}

describe('with open reading (no HUB_VIEWER_TOKEN)', () => {
  let t: TestHub;
  let anonymous: TestSocket;
  beforeAll(async () => {
    t = await startTestHub({ controlBurst: 10_000 }, { dashboard: true });
    await waitForChannels(t.url);
    anonymous = await connectViewer(t.url);
  });
  afterAll(async () => {
    anonymous?.close();
    await t?.close();
  });

  // stop/:session needs a session first: the operator run below checks it is refused without a token too.
  it.each(CONTROL.filter((c) => !c.path.includes(':session')).map((c) => [c.method, c.path, c] as const))(
    '%s %s: no token 401, bad token 401, and nothing happens',
    async (_m, _p, c) => {
      const none = await call(t.url, c);
      expect(none.status).toBe(401);
      expect(none.headers.get('www-authenticate')).toMatch(/^Bearer/);
      expect(none.body).toMatchObject({ success: false, error: { code: 'UNAUTHORIZED' } });
      const bad = await call(t.url, c, `${HUB_OPERATOR}-not`);
      expect(bad.status).toBe(401);
      expect(bad.body).toMatchObject({
        success: false,
        error: { code: 'UNAUTHORIZED', message: expect.stringMatching(/not valid/) },
      });
    },
  );

  it('GET /api/auth/whoami names the token (operator, or none without one); a wrong one is 401', async () => {
    const whoami = { method: 'GET', path: '/api/auth/whoami' } as const;
    expect((await call(t.url, whoami, HUB_OPERATOR)).body).toEqual({
      success: true,
      role: 'operator',
      viewer_token_required: false,
    });
    expect((await call(t.url, whoami)).body).toMatchObject({ success: true, role: 'none' });
    const wrong = await call(t.url, whoami, 'a-wrong-token-0000');
    expect(wrong.status).toBe(401);
    expect(wrong.body).toMatchObject({ success: false, error: { code: 'UNAUTHORIZED' } });
  });

  it('an Authorization header without the "Bearer " prefix is told so (control, and whoami), never echoed', async () => {
    const control = CONTROL[0]!;
    const cases: [string, RegExp][] = [
      [HUB_OPERATOR, /has no "Bearer " prefix; send "Authorization: Bearer <token>"/],
      [
        `Basic ${Buffer.from(`x:${HUB_OPERATOR}`).toString('base64')}`,
        /uses the "Basic" scheme; the hub takes only Bearer/,
      ],
      ['Bearer', /has "Bearer" but no single token after it/],
      [`Bearer ${HUB_OPERATOR} extra`, /has "Bearer" but no single token after it/],
    ];
    for (const [header, message] of cases) {
      for (const c of [control, { method: 'GET', path: '/api/auth/whoami' }]) {
        const response = await call(t.url, c, undefined, header);
        expect(response.status, `${c.path} ${header}`).toBe(401);
        expect(response.body).toMatchObject({ success: false, error: { code: 'UNAUTHORIZED', message } });
        expect(JSON.stringify(response.body)).not.toContain(HUB_OPERATOR);
      }
    }
    // Reading is open here: a malformed header does not matter where no token is needed.
    expect((await call(t.url, { method: 'GET', path: '/api/jetdrive/status' }, undefined, HUB_OPERATOR)).status).toBe(
      200,
    );
  });

  it('refused control requests changed nothing', async () => {
    const mapping = await call(t.url, { method: 'GET', path: `/api/jetdrive/mapping/${DYNO}` });
    expect(mapping.body).toMatchObject({ overrides: {} });
    expect((await call(t.url, { method: 'GET', path: '/api/jetdrive/simulator/status' })).body).toMatchObject({
      active: true,
    });
    expect((await call(t.url, { method: 'GET', path: '/api/virtual-tune/sessions' })).body).toMatchObject({
      sessions: [],
    });
  });

  it('the operator token does every control action', async () => {
    let session = '';
    for (const c of CONTROL) {
      const path = c.path.replace(':session', session);
      const response = await call(t.url, { ...c, path }, HUB_OPERATOR);
      expect(response.status, `${c.method} ${path}: ${JSON.stringify(response.body)}`).toBe(c.status);
      if (c.path === '/api/virtual-tune/start') session = (response.body as { session_id: string }).session_id;
      if (c.path.endsWith('/stop/:session')) {
        // And without a token the same stop is refused before the route (no 404/409 leak about the session).
        expect((await call(t.url, { ...c, path })).status).toBe(401);
      }
    }
  });

  it.each([...READS, ...PUBLIC])('GET %s needs no token', async (path) => {
    const response = await call(t.url, { method: 'GET', path });
    expect(response.status, path).toBe(200);
  });

  it('a Socket.IO viewer without a token reads, and every control command answers UNAUTHORIZED', async () => {
    for (const event of READ_COMMANDS) {
      const result = await command(anonymous, event, ...(PAYLOADS[event] ?? []));
      if (!result.ok) expect(result.error.code, event).not.toMatch(/UNAUTHORIZED|FORBIDDEN/);
    }
    for (const event of CONTROL_COMMANDS) {
      const result = await command(anonymous, event, ...(PAYLOADS[event] ?? [{}]));
      expect(result, event).toMatchObject({
        ok: false,
        error: { code: 'UNAUTHORIZED', message: expect.stringContaining(event) },
      });
    }
    // An event outside the contract is no command at all, whoever sends it.
    expect(await command(anonymous, 'dyno:brake', {})).toMatchObject({
      ok: false,
      error: { code: 'UNKNOWN_EVENT', message: expect.stringContaining('dyno:brake') },
    });
    expect((await call(t.url, { method: 'GET', path: '/api/virtual-tune/sessions' })).body).toMatchObject({
      sessions: [],
    });
  });

  it('an operator socket runs the control commands', async () => {
    const operator = await connectViewer(t.url, HUB_OPERATOR);
    try {
      const started = await command(operator, 'session:start', { max_iterations: 1 });
      expect(started).toMatchObject({ ok: true });
      const id = (started as { data: { session_id: string } }).data.session_id;
      expect(await command(operator, 'session:stop', id)).toMatchObject({ ok: true });
      expect(await command(operator, 'session:cleanup', { all_completed: true })).toMatchObject({ ok: true });
    } finally {
      operator.close();
    }
  });

  it('counts refusals by role and reason in /metrics', async () => {
    const text = (await call(t.url, { method: 'GET', path: '/metrics' })).body as string;
    const value = (reason: string) =>
      Number(new RegExp(`jetdrive_auth_refusals_total\\{role="operator",reason="${reason}"\\} (\\d+)`).exec(text)?.[1]);
    expect(value('missing_token')).toBeGreaterThanOrEqual(CONTROL.length - 1 + CONTROL_COMMANDS.length);
    expect(value('bad_token')).toBeGreaterThanOrEqual(CONTROL.length - 1);
    expect(text).toMatch(/jetdrive_realtime_refused_commands_total\{reason="UNAUTHORIZED"\} [1-9]/);
  });
});

describe('with HUB_VIEWER_TOKEN', () => {
  let t: TestHub;
  beforeAll(async () => {
    t = await startTestHub({ controlBurst: 10_000, viewerToken: HUB_VIEWER }, { dashboard: true });
    await waitForChannels(t.url);
  });
  afterAll(async () => {
    await t?.close();
  });

  it.each(READS)('GET %s: 401 without a token, 200 with the viewer or operator token', async (path) => {
    const none = await call(t.url, { method: 'GET', path });
    expect(none.status).toBe(401);
    expect(none.body).toMatchObject({ success: false, error: { code: 'UNAUTHORIZED' } });
    expect((await call(t.url, { method: 'GET', path }, 'a-wrong-token-0000')).status).toBe(401);
    expect((await call(t.url, { method: 'GET', path }, HUB_VIEWER)).status).toBe(200);
    expect((await call(t.url, { method: 'GET', path }, HUB_OPERATOR)).status).toBe(200);
  });

  it('a route that does not exist is 404 (a wrong method 405) whatever the token; an existing one is 401', async () => {
    const missing: Call[] = [
      { method: 'GET', path: '/api/jetdrive/nope' },
      { method: 'GET', path: '/api/jetdrive/mapping/x/y' },
      { method: 'POST', path: '/api/jetdrive/simulator/explode' },
      { method: 'PUT', path: '/api/nothing', body: {} },
      { method: 'DELETE', path: '/api/virtual-tune/sessions/tune_1' },
    ];
    for (const c of missing) {
      for (const token of [undefined, 'a-wrong-token-0000', HUB_VIEWER]) {
        const response = await call(t.url, c, token);
        expect(response.status, `${c.method} ${c.path} ${token}`).toBe(404);
        expect(response.body).toMatchObject({ success: false, error: { code: 'NOT_FOUND' } });
      }
      expect((await call(t.url, c, undefined, HUB_VIEWER)).status).toBe(404);
    }
    const wrongMethod = await call(t.url, { method: 'DELETE', path: '/api/jetdrive/status' });
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.body).toMatchObject({ success: false, error: { code: 'METHOD_NOT_ALLOWED' } });
    // Routes that exist keep asking for the token, also with a trailing slash or another case of a parameter.
    for (const path of ['/api/jetdrive/status', '/api/jetdrive/mapping/', '/api/virtual-tune/status/tune_1_1']) {
      expect((await call(t.url, { method: 'GET', path })).status, path).toBe(401);
    }
  });

  it('reading with a token that lacks the "Bearer " prefix is refused saying so', async () => {
    const response = await call(t.url, { method: 'GET', path: '/api/jetdrive/channels' }, undefined, HUB_VIEWER);
    expect(response.status).toBe(401);
    expect(response.body).toMatchObject({
      success: false,
      error: {
        code: 'UNAUTHORIZED',
        message: expect.stringMatching(/no "Bearer " prefix.*needs a viewer or operator token/),
      },
    });
    expect(JSON.stringify(response.body)).not.toContain(HUB_VIEWER);
  });

  it('GET /api/auth/whoami tells the viewer token from the operator token', async () => {
    const whoami = { method: 'GET', path: '/api/auth/whoami' } as const;
    expect((await call(t.url, whoami, HUB_VIEWER)).body).toEqual({
      success: true,
      role: 'viewer',
      viewer_token_required: true,
    });
    expect((await call(t.url, whoami, HUB_OPERATOR)).body).toMatchObject({ role: 'operator' });
    expect((await call(t.url, whoami)).status).toBe(401);
  });

  it('the probes, the page and its assets stay open', async () => {
    for (const path of PUBLIC) expect((await call(t.url, { method: 'GET', path })).status, path).toBe(200);
    const html = (await call(t.url, { method: 'GET', path: '/' })).body as string;
    const asset = /src="([^"]+\.js)"/.exec(html)?.[1] ?? '';
    expect(asset).toMatch(/^\/dashboard\//);
    expect((await call(t.url, { method: 'GET', path: asset })).status).toBe(200);
  });

  it.each(CONTROL.filter((c) => !c.path.includes(':session')).map((c) => [c.method, c.path, c] as const))(
    '%s %s: the viewer token is refused with 403',
    async (_m, _p, c) => {
      const response = await call(t.url, c, HUB_VIEWER);
      expect(response.status).toBe(403);
      expect(response.body).toMatchObject({ success: false, error: { code: 'FORBIDDEN' } });
      expect((await call(t.url, c)).status).toBe(401);
    },
  );

  it('Socket.IO: no or bad token cannot connect; the viewer token reads but gets FORBIDDEN for control', async () => {
    for (const token of [undefined, 'a-wrong-token-0000']) {
      const refused = await connectViewer(t.url, token).then(
        () => null,
        (err: Error & { data?: unknown }) => err,
      );
      expect(refused?.message).toBe('UNAUTHORIZED');
      expect(refused?.data).toMatchObject({
        code: 'UNAUTHORIZED',
        message: expect.stringMatching(/viewer or operator token/),
      });
    }
    const viewer = await connectViewer(t.url, HUB_VIEWER);
    try {
      expect(await command(viewer, 'channel:subscribe', { selectors: ['*'] })).toMatchObject({ ok: true });
      for (const event of CONTROL_COMMANDS) {
        expect(await command(viewer, event, ...(PAYLOADS[event] ?? [])), event).toMatchObject({
          ok: false,
          error: { code: 'FORBIDDEN' },
        });
      }
    } finally {
      viewer.close();
    }
    const operator = await connectViewer(t.url, HUB_OPERATOR);
    expect(await command(operator, 'session:list')).toMatchObject({ ok: true });
    operator.close();
    const text = (await call(t.url, { method: 'GET', path: '/metrics' }, HUB_VIEWER)).body as string;
    expect(text).toMatch(/jetdrive_realtime_refused_connections_total\{reason="UNAUTHORIZED"\} [2-9]/);
    expect(text).toMatch(/jetdrive_auth_refusals_total\{role="operator",reason="wrong_role"\} [1-9]/);
  });
});
