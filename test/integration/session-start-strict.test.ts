import { afterAll, beforeAll, expect, it } from 'vitest';
import { command, connectViewer, HUB_OPERATOR, startTestHub, type TestHub } from '../support/start-test-hub.js';

// Issue 13 §5: unknown fields in the session start body were silently ignored (a misspelt `max_iteration` ran the
// default 10 iterations). Both doors — HTTP and Socket.IO — now refuse them, naming the field, and start nothing.

let t: TestHub;
beforeAll(async () => {
  t = await startTestHub({ controlBurst: 1000 });
});
afterAll(async () => {
  await t?.close();
});

const BODIES: [Record<string, unknown>, string][] = [
  [{ max_iteration: 3 }, 'max_iteration'],
  [{ engine_profile: 'm8_114', turbo: true }, 'turbo'],
];

it('refuses unknown fields over HTTP and Socket.IO alike, naming the field, and starts nothing', async () => {
  const operator = await connectViewer(t.url, HUB_OPERATOR);
  try {
    for (const [body, field] of BODIES) {
      const response = await fetch(`${t.url}/api/virtual-tune/start`, {
        method: 'POST',
        headers: { authorization: `Bearer ${HUB_OPERATOR}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      const http = (await response.json()) as { error: { code: string; message: string; field: string } };
      expect(response.status).toBe(400);
      expect(http.error.code).toBe('VALIDATION_FAILED');
      expect(http.error.message).toMatch(new RegExp(`^${field}: unknown field; the fields are engine_profile, `));
      const socket = await command(operator, 'session:start', body);
      expect(http.error.field).toBe(field);
      // The same { code, message, field } in the ack as in the HTTP body.
      expect(socket).toEqual({ ok: false, error: { code: 'VALIDATION_FAILED', message: http.error.message, field } });
    }
    const list = (await (await fetch(`${t.url}/api/virtual-tune/sessions`)).json()) as { sessions: unknown[] };
    expect(list.sessions).toEqual([]);
  } finally {
    operator.close();
  }
});
