import { noPayloadSchema, type Result, sessionIdSchema } from '@jetdrive-hub/client/contract';
import { describe, expect, it } from 'vitest';
import { SessionError } from '../../../server/sessions/session-error.js';
import { type CommandSocket, onCommand } from '../../../server/realtime/on-command.js';

/** A socket with one listener per event, called the way Socket.IO calls it (payloads, then the ack last). */
function fakeSocket(): CommandSocket & {
  call(event: string, ...args: unknown[]): void;
  send(event: string, ...args: unknown[]): Promise<Result<unknown>>;
} {
  const listeners = new Map<string, (...args: unknown[]) => void>();
  return {
    on(event, listener) {
      listeners.set(event, listener as (...args: unknown[]) => void);
      return this;
    },
    call(event, ...args) {
      listeners.get(event)?.(...args);
    },
    send(event, ...args) {
      return new Promise((resolve) => listeners.get(event)?.(...args, resolve));
    },
  };
}

describe('onCommand', () => {
  it('validates the payload and answers the handler result as { ok: true, data }', async () => {
    const socket = fakeSocket();
    onCommand(socket, 'session:unwatch', sessionIdSchema, (id) => ({ id }));
    expect(await socket.send('session:unwatch', 'tune_1')).toEqual({ ok: true, data: { id: 'tune_1' } });
  });

  it('answers a payload the schema refuses with the field, counted, prefixed with the event by default', async () => {
    const socket = fakeSocket();
    let invalid = 0;
    onCommand(socket, 'catalog:get', noPayloadSchema, () => ({ version: 0, providers: [], channels: [] }), {
      onInvalid: () => invalid++,
    });
    expect(await socket.send('catalog:get', 42)).toEqual({
      ok: false,
      error: {
        code: 'INVALID_PAYLOAD',
        message: 'catalog:get: payload: this command takes no payload (send none, null or {})',
        field: 'payload',
      },
    });
    expect(invalid).toBe(1);
  });

  it('answers a thrown CodedError with its code and message, anything else as INTERNAL_ERROR, async too', async () => {
    const socket = fakeSocket();
    onCommand(socket, 'session:results', sessionIdSchema, (id) => {
      throw new SessionError('SESSION_NOT_FOUND', `session_id: no session "${id}"`);
    });
    onCommand(socket, 'session:stop', sessionIdSchema, async () => {
      throw new Error('secret');
    });
    expect(await socket.send('session:results', 'x')).toEqual({
      ok: false,
      error: { code: 'SESSION_NOT_FOUND', message: 'session_id: no session "x"' },
    });
    expect(await socket.send('session:stop', 'x')).toEqual({
      ok: false,
      error: { code: 'INTERNAL_ERROR', message: 'internal server error' },
    });
  });

  it('finds the ack last whatever comes before it, and runs afterAck work after the answer', async () => {
    const socket = fakeSocket();
    const order: string[] = [];
    onCommand(socket, 'session:unwatch', sessionIdSchema, (id, { afterAck }) => {
      afterAck(() => order.push('after'));
      return { id };
    });
    const answered = await new Promise<Result<unknown>>((resolve) =>
      socket.call('session:unwatch', 'a', 'extra', (result: Result<unknown>) => {
        order.push('ack');
        resolve(result);
      }),
    );
    expect(answered).toEqual({ ok: true, data: { id: 'a' } });
    expect(order).toEqual(['ack', 'after']);
  });
});
