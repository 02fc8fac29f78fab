import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_REALTIME_OPTIONS } from '../../server/realtime/options.js';
import {
  command,
  connectViewer,
  HUB_OPERATOR,
  HUB_VIEWER,
  startTestHub,
  type TestHub,
} from '../support/start-test-hub.js';
import { until } from '../support/until.js';

// Input limits through a real hub: body size (413), validation (400 naming the field), the control rate limit
// (429 + Retry-After, shared by HTTP and Socket.IO), no stack traces, and the Socket.IO limits (payload validation,
// subscriptions per socket, selectors per subscription, maxHttpBufferSize, connections).

const OP = { authorization: `Bearer ${HUB_OPERATOR}` };
const DYNO = encodeURIComponent('Simulated Dyno');
const MAX_VIEWERS = 4;
const BURST = 5;

async function send(base: string, method: string, path: string, body?: string, headers: Record<string, string> = {}) {
  const response = await fetch(base + path, {
    method,
    headers: { ...OP, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    body,
  });
  const text = await response.text();
  expect(text, `${method} ${path}`).not.toMatch(/\bat .*\.[jt]s:\d+|node_modules|Error:/);
  return {
    status: response.status,
    headers: response.headers,
    body: JSON.parse(text) as { error?: { code: string; message: string } },
  };
}

let t: TestHub;
beforeAll(async () => {
  t = await startTestHub({ controlBurst: BURST, controlRatePerMin: 6, maxViewers: MAX_VIEWERS, httpBodyLimit: 4096 });
});
afterAll(async () => {
  await t?.close();
});

describe('HTTP input limits', () => {
  it('refuses a body over the limit with 413, malformed JSON with 400, and validates bodies and queries', async () => {
    const big = JSON.stringify({ channels: { MAP: { display_name: 'x'.repeat(10_000) } } });
    const tooBig = await send(t.url, 'PUT', `/api/jetdrive/mapping/${DYNO}`, big);
    expect(tooBig.status).toBe(413);
    expect(tooBig.body.error).toMatchObject({
      code: 'PAYLOAD_TOO_LARGE',
      message: expect.stringContaining('4096 bytes'),
    });

    const broken = await send(t.url, 'POST', '/api/virtual-tune/start', '{"max_iterations": ');
    expect(broken.status).toBe(400);
    expect(broken.body.error?.code).toBe('INVALID_JSON');

    const wrongType = await send(t.url, 'POST', '/api/virtual-tune/start', JSON.stringify({ max_iterations: 'ten' }));
    expect(wrongType.status).toBe(400);
    expect(wrongType.body.error?.message).toMatch(/max_iterations/);

    const unknownField = await send(t.url, 'POST', '/api/jetdrive/simulator/start', JSON.stringify({ turbo: true }));
    expect(unknownField.status).toBe(400);
    expect(unknownField.body.error).toMatchObject({ code: 'VALIDATION_FAILED' });

    const text = await send(t.url, 'PUT', `/api/jetdrive/mapping/${DYNO}`, undefined, { 'content-type': 'text/plain' });
    expect([400, 415]).toContain(text.status);

    // Reads are not rate limited; their queries are validated.
    const badQuery = await send(t.url, 'GET', '/api/jetdrive/channels?units=furlongs');
    expect(badQuery.status).toBe(400);
    expect(badQuery.body.error?.message).toMatch(/query\.units/);
    expect((await send(t.url, 'GET', '/api/jetdrive/hardware/channels/discover?samples=100000')).status).toBe(400);
    expect((await send(t.url, 'GET', '/api/jetdrive/channels?bogus=1')).status).toBe(400);
  });

  it('rate limits control requests per client with 429 and Retry-After; reads and Socket.IO share nothing else', async () => {
    // The requests above spent 4 of the 5-request burst (every write counts, valid or not).
    let limited: Awaited<ReturnType<typeof send>> | null = null;
    for (let i = 0; i < BURST + 1 && limited === null; i++) {
      const r = await send(t.url, 'POST', '/api/virtual-tune/cleanup', JSON.stringify({ all_completed: true }));
      if (r.status === 429) limited = r;
      else expect(r.status).toBe(200);
    }
    expect(limited?.body.error).toMatchObject({
      code: 'RATE_LIMITED',
      message: expect.stringMatching(/retry in \d+ s/),
    });
    expect(Number(limited?.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(Number(limited?.headers.get('retry-after'))).toBeLessThanOrEqual(10);
    for (let i = 0; i < 20; i++) expect((await send(t.url, 'GET', '/api/jetdrive/status')).status).toBe(200);

    // The same client's Socket.IO control commands draw from the same budget.
    const operator = await connectViewer(t.url, HUB_OPERATOR);
    try {
      expect(await command(operator, 'session:cleanup', { all_completed: true })).toMatchObject({
        ok: false,
        error: { code: 'RATE_LIMITED' },
      });
      expect(await command(operator, 'session:list')).toMatchObject({ ok: true });
    } finally {
      operator.close();
    }
    const metrics = await (await fetch(`${t.url}/metrics`)).text();
    expect(Number(/jetdrive_rate_limited_total (\d+)/.exec(metrics)?.[1])).toBeGreaterThanOrEqual(2);
  });
});

describe('Socket.IO input limits', () => {
  it('validates every command payload and answers INVALID_PAYLOAD / VALIDATION_FAILED naming the field', async () => {
    const s = await connectViewer(t.url);
    try {
      const cases: [string, unknown][] = [
        ['channel:subscribe', { selectors: 'rpm' }],
        ['channel:subscribe', { selectors: [], maxHz: 10 }],
        ['channel:subscribe', { selectors: ['rpm'], maxHz: 1e9 }],
        ['channel:subscribe', { selectors: [{ glob: 'x'.repeat(500) }] }],
        ['channel:subscribe', { selectors: ['rpm'], extra: true }],
        ['channel:subscribe', null],
        ['channel:unsubscribe', 42],
        ['channel:unsubscribe', 'x'.repeat(100)],
        ['session:watch', { id: 1 }],
        ['session:unwatch', ''],
        ['session:results', 'y'.repeat(100)],
      ];
      for (const [event, payload] of cases) {
        const result = await command(s, event, payload);
        expect(result.ok, `${event} ${JSON.stringify(payload).slice(0, 40)}`).toBe(false);
        if (!result.ok) expect(result.error.code).toMatch(/INVALID_PAYLOAD|VALIDATION_FAILED/);
      }
      // The connection survived all of it.
      expect(await command(s, 'channel:subscribe', { selectors: ['*'] })).toMatchObject({ ok: true });
    } finally {
      s.close();
    }
  });

  it('bounds subscriptions per socket and selectors per subscription', async () => {
    const s = await connectViewer(t.url);
    try {
      const selectors = Array.from(
        { length: DEFAULT_REALTIME_OPTIONS.maxSelectorsPerSubscription + 1 },
        (_, i) => `c${i}`,
      );
      expect(await command(s, 'channel:subscribe', { selectors })).toMatchObject({
        ok: false,
        error: { code: 'INVALID_PAYLOAD', message: expect.stringMatching(/selectors/) },
      });
      // Over fewer distinct selections than the per-socket stream cap, so the subscription cap is what refuses.
      for (let i = 0; i < DEFAULT_REALTIME_OPTIONS.maxSubscriptionsPerSocket; i++) {
        expect(await command(s, 'channel:subscribe', { selectors: [`ch${i % 8}`] })).toMatchObject({ ok: true });
      }
      expect(await command(s, 'channel:subscribe', { selectors: ['one-more'] })).toMatchObject({
        ok: false,
        error: { code: 'TOO_MANY_SUBSCRIPTIONS' },
      });
    } finally {
      s.close();
    }
  });

  it('disconnects a client whose message exceeds maxHttpBufferSize', async () => {
    const s = await connectViewer(t.url);
    const reason = new Promise<string>((resolve) => s.once('disconnect', resolve));
    (s as unknown as { emit(e: string, p: unknown): void }).emit('channel:subscribe', {
      selectors: ['x'.repeat(DEFAULT_REALTIME_OPTIONS.maxCommandBytes + 1)],
    });
    expect(await reason).toBe('transport close');
    s.close();
  });

  it('refuses connections beyond the limit with TOO_MANY_CONNECTIONS, counted, and admits again once one leaves', async () => {
    await until(() => t.hub.gateway()?.stats().viewers === 0, 5000, 'earlier viewers to leave');
    const sockets = await Promise.all(Array.from({ length: MAX_VIEWERS }, () => connectViewer(t.url)));
    try {
      const refused = await connectViewer(t.url).then(
        (s) => {
          s.close();
          return null;
        },
        (err: Error & { data?: { code: string; message: string } }) => err,
      );
      expect(refused?.message).toBe('TOO_MANY_CONNECTIONS');
      expect(refused?.data?.message).toMatch(`${MAX_VIEWERS} viewers`);
      sockets.pop()?.close();
      await until(() => t.hub.gateway()?.stats().viewers === MAX_VIEWERS - 1, 5000, 'a viewer to leave');
      sockets.push(await connectViewer(t.url));
      const metrics = await (await fetch(`${t.url}/metrics`)).text();
      expect(metrics).toMatch(/jetdrive_realtime_refused_connections_total\{reason="TOO_MANY_CONNECTIONS"\} 1\b/);
    } finally {
      for (const s of sockets) s.close();
    }
  });

  it('a burst of simultaneous connections never exceeds the limit', async () => {
    await until(() => t.hub.gateway()?.stats().viewers === 0, 5000, 'earlier viewers to leave');
    const results = await Promise.allSettled(Array.from({ length: MAX_VIEWERS * 3 }, () => connectViewer(t.url)));
    const connected = results.filter((r) => r.status === 'fulfilled');
    expect(connected.length).toBe(MAX_VIEWERS);
    for (const r of connected) r.value.close();
  });
});

describe('token guessing', () => {
  it('whoami is no cheaper oracle: with reading open, wrong tokens spend the budget and then get RATE_LIMITED', async () => {
    const open = await startTestHub({ controlBurst: 3, controlRatePerMin: 6 });
    try {
      const ask = (token: string) =>
        fetch(`${open.url}/api/auth/whoami`, { headers: { authorization: `Bearer ${token}` } });
      for (let i = 0; i < 3; i++) expect((await ask(`guess-number-${i}-0000000`)).status).toBe(401);
      expect((await ask('guess-number-3-0000000')).status).toBe(429);
      // The operator on the same address keeps its own budget and is still told who it is.
      const operator = await ask(HUB_OPERATOR);
      expect(operator.status).toBe(200);
      expect(await operator.json()).toMatchObject({ role: 'operator' });
    } finally {
      await open.close();
    }
  });

  it('failed authentications spend the per-client budget: reads and handshakes then get RATE_LIMITED', async () => {
    const guarded = await startTestHub({ viewerToken: HUB_VIEWER, controlBurst: 3, controlRatePerMin: 6 });
    try {
      const read = (token: string) =>
        fetch(`${guarded.url}/api/jetdrive/status`, { headers: { authorization: `Bearer ${token}` } });
      for (let i = 0; i < 3; i++) expect((await read(`guess-number-${i}-0000000`)).status).toBe(401);
      const limited = await read('guess-number-3-0000000');
      expect(limited.status).toBe(429);
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(((await limited.json()) as { error: { code: string } }).error.code).toBe('RATE_LIMITED');
      // The guesses spent the address's anonymous budget only: the operator on the same address keeps its own.
      const control = await fetch(`${guarded.url}/api/virtual-tune/cleanup`, {
        method: 'POST',
        headers: { authorization: `Bearer ${HUB_OPERATOR}` },
      });
      expect(control.status).toBe(200);
      // Handshakes from the address are refused at the Engine.IO handshake, before anything is allocated.
      const refused = await connectViewer(guarded.url, 'guess-over-socket-000000').then(
        () => null,
        (err: Error) => err,
      );
      expect(refused).not.toBeNull();
      // A valid token still reads from the same address: the failed guesses spent only the anonymous budget.
      const metrics = await (
        await fetch(`${guarded.url}/metrics`, { headers: { authorization: `Bearer ${HUB_VIEWER}` } })
      ).text();
      expect(metrics).toMatch(/jetdrive_realtime_refused_handshakes_total\{reason="RATE_LIMITED"\} 1\b/);
      // Probes stay open.
      expect((await fetch(`${guarded.url}/health`)).status).toBe(200);
    } finally {
      await guarded.close();
    }
  });
});
