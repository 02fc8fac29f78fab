import { EventEmitter } from 'node:events';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { HubServer } from '../../../server/auth/socket-data.js';
import { createCommandRelay } from '../../../server/cluster/command-relay.js';
import { SessionError } from '../../../server/sessions/index.js';

/** Nodes on one bus: serverSideEmit reaches every other node's listeners, as the Redis adapter does. */
function bus() {
  const nodes: EventEmitter[] = [];
  const node = (): HubServer => {
    const emitter = new EventEmitter();
    nodes.push(emitter);
    const server = {
      on: (event: string, listener: (...args: unknown[]) => void) => emitter.on(event, listener),
      off: (event: string, listener: (...args: unknown[]) => void) => emitter.off(event, listener),
      serverSideEmit: (event: string, ...args: unknown[]) => {
        for (const other of nodes) if (other !== emitter) queueMicrotask(() => other.emit(event, ...args));
        return true;
      },
    };
    return server as unknown as HubServer;
  };
  return { node };
}

describe('createCommandRelay', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('carries a command to the node that executes it and its answer back to the asking node only', async () => {
    const { node } = bus();
    const seen: unknown[] = [];
    createCommandRelay(node(), 'ingest-1', (command, payload, socketId, from) => {
      seen.push([command, payload, socketId, from]);
      if (payload === 'missing')
        throw new SessionError('SESSION_NOT_FOUND', 'sessionId: no session missing', undefined, 'sessionId');
      return { session_id: payload };
    });
    const edge = createCommandRelay(node(), 'edge-1', null);
    const other = createCommandRelay(node(), 'edge-2', null);
    expect(await edge.request('session:results', 'abc', 'sock-1')).toEqual({ ok: true, data: { session_id: 'abc' } });
    expect(await edge.request('session:results', 'missing', 'sock-1')).toEqual({
      ok: false,
      error: { code: 'SESSION_NOT_FOUND', message: 'sessionId: no session missing', field: 'sessionId' },
    });
    expect(seen).toEqual([
      ['session:results', 'abc', 'sock-1', 'edge-1'],
      ['session:results', 'missing', 'sock-1', 'edge-1'],
    ]);
    expect(edge.stats()).toMatchObject({ sent: 2, answered: 2, pending: 0 });
    expect(other.stats()).toMatchObject({ sent: 0, answered: 0 });
  });

  it('is bounded: at most maxPending wait, each at most timeoutMs; refused at once while Redis is down', async () => {
    vi.useFakeTimers();
    const { node } = bus();
    let available = true;
    const edge = createCommandRelay(node(), 'edge-1', null, {
      timeoutMs: 5000,
      maxPending: 2,
      available: () => available,
    });
    const first = edge.request('session:list', undefined, 's');
    const second = edge.request('session:list', undefined, 's');
    expect(await edge.request('session:list', undefined, 's')).toMatchObject({
      ok: false,
      error: { code: 'CLUSTER_BUSY' },
    });
    await vi.advanceTimersByTimeAsync(5000);
    expect(await first).toMatchObject({ ok: false, error: { code: 'CLUSTER_TIMEOUT' } });
    expect(await second).toMatchObject({ ok: false, error: { code: 'CLUSTER_TIMEOUT' } });
    available = false;
    expect(await edge.request('session:list', undefined, 's')).toMatchObject({
      ok: false,
      error: { code: 'CLUSTER_UNAVAILABLE' },
    });
    expect(edge.stats()).toMatchObject({ sent: 2, timedOut: 2, refusedBusy: 1, refusedUnavailable: 1, pending: 0 });
  });

  it('answers what is still waiting when the node shuts down', async () => {
    const { node } = bus();
    const edge = createCommandRelay(node(), 'edge-1', null);
    const waiting = edge.request('session:list', undefined, 's');
    edge.close();
    expect(await waiting).toMatchObject({ ok: false, error: { code: 'CLUSTER_CLOSED' } });
  });
});
