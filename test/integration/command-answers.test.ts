import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CommandRefusal, Result } from '@jetdrive-hub/client/contract';
import { SOCKET_COMMAND_ROLES } from '../../server/auth/index.js';
import { connectViewer, HUB_OPERATOR, startTestHub, type TestHub, type TestSocket } from '../support/start-test-hub.js';
import { until } from '../support/until.js';

// Every command answers (issue 13 §5): `catalog:get` sent with any argument used to be dropped (104/104 timed out).
// Each command of the contract is sent in every argument shape a client might use; each must be answered through
// its ack within a second, or — sent without an ack — the socket is told why through `command:refused`.

const SHAPES: readonly (readonly unknown[])[] = [
  [],
  [undefined],
  [null],
  [{}],
  ['x'],
  [42],
  [{ unexpected: 1 }],
  [[1, 2]],
  ['a', 'b'],
  [{}, {}, {}],
];
const ANSWER_TIMEOUT_MS = 1000;

type RawEmitter = {
  timeout(ms: number): { emit(event: string, ...args: unknown[]): void };
  emit(event: string, ...args: unknown[]): void;
};

function ask(socket: TestSocket, event: string, args: readonly unknown[]): Promise<Result<unknown> | 'timeout'> {
  const raw = socket as unknown as RawEmitter;
  return new Promise((resolve) => {
    raw.timeout(ANSWER_TIMEOUT_MS).emit(event, ...args, (err: Error | null, result: Result<unknown>) => {
      resolve(err ? 'timeout' : result);
    });
  });
}

let t: TestHub;
let viewer: TestSocket;
let operator: TestSocket;
beforeAll(async () => {
  t = await startTestHub({ controlBurst: 10_000, sessionMaxRunning: 2 });
  viewer = await connectViewer(t.url);
  operator = await connectViewer(t.url, HUB_OPERATOR);
});
afterAll(async () => {
  viewer?.close();
  operator?.close();
  await t?.close();
});

describe('every socket command answers', () => {
  it('answers each command in every argument shape, for a viewer and for the operator', async () => {
    let sent = 0;
    let answered = 0;
    const unanswered: string[] = [];
    for (const socket of [viewer, operator]) {
      for (const event of Object.keys(SOCKET_COMMAND_ROLES)) {
        for (const args of SHAPES) {
          sent++;
          const result = await ask(socket, event, args);
          if (result === 'timeout') unanswered.push(`${event}(${JSON.stringify(args)})`);
          else answered++;
        }
      }
    }
    console.info(`[command-answers] answered ${answered}/${sent} commands; unanswered: ${unanswered.length}`);
    expect(unanswered).toEqual([]);
  });

  it('answers catalog:get with the catalog for no payload, null or {}, and INVALID_PAYLOAD otherwise', async () => {
    for (const args of [[], [null], [{}]]) {
      expect(await ask(viewer, 'catalog:get', args)).toMatchObject({ ok: true, data: { channels: expect.any(Array) } });
    }
    expect(await ask(viewer, 'catalog:get', ['x'])).toMatchObject({
      ok: false,
      error: { code: 'INVALID_PAYLOAD', message: expect.stringMatching(/^catalog:get: .*takes no payload/) },
    });
    expect(await ask(viewer, 'catalog:get', ['a', 'b'])).toMatchObject({
      ok: false,
      error: { code: 'INVALID_PAYLOAD', message: expect.stringMatching(/one payload argument before the ack, got 2/) },
    });
  });

  // HTTP's one input rule on the socket doors too: a field a command does not take is refused, never ignored. A
  // command that takes `{}` (all its fields optional) must refuse `{ unexpected: 1 }` naming the field.
  it('refuses an unknown field in every command, naming it where nothing else is wrong', async () => {
    const accepted: string[] = [];
    const unnamed: string[] = [];
    let optionalOnly = 0;
    for (const event of Object.keys(SOCKET_COMMAND_ROLES)) {
      const extra = await ask(operator, event, [{ unexpected: 1 }]);
      if (extra === 'timeout' || extra.ok) {
        accepted.push(event);
        continue;
      }
      const empty = await ask(operator, event, [{}]);
      const named = extra.error.field === 'unexpected' || /\bunexpected: unknown field/.test(extra.error.message);
      if (empty === 'timeout' || !empty.ok) continue;
      optionalOnly++;
      if (!named) unnamed.push(`${event}: ${extra.error.message}`);
    }
    // catalog:get, the lists, recording:status/start, session:cleanup…: the rule is checked by name on these.
    expect(optionalOnly).toBeGreaterThanOrEqual(6);
    expect(accepted).toEqual([]);
    expect(unnamed).toEqual([]);
  });

  it('tells a socket that sent a command without an ack, or an unknown event, why nothing happened', async () => {
    const refusals: CommandRefusal[] = [];
    viewer.on('command:refused', (r) => refusals.push(r));
    const raw = viewer as unknown as RawEmitter;
    raw.emit('catalog:get');
    raw.emit('channel:subscribe', { selectors: ['*'] });
    raw.emit('no:such-event', 1);
    raw.emit('error', 'boom');
    await until(() => refusals.length >= 4, 2000, 'four command:refused notices');
    expect(refusals.map((r) => [r.event, r.error.code])).toEqual([
      ['catalog:get', 'ACK_REQUIRED'],
      ['channel:subscribe', 'ACK_REQUIRED'],
      ['no:such-event', 'UNKNOWN_EVENT'],
      ['error', 'UNKNOWN_EVENT'],
    ]);
    expect(await ask(viewer, 'no:such-event', [])).toMatchObject({ ok: false, error: { code: 'UNKNOWN_EVENT' } });
    // Still connected and served.
    expect(await ask(viewer, 'catalog:get', [])).toMatchObject({ ok: true });
  });
});
