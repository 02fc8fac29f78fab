import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { lastValueFrom } from 'rxjs';
import { Server } from 'socket.io';
import { io as connect, type Socket } from 'socket.io-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ClientToServerEvents, Result, ServerToClientEvents } from '@jetdrive-hub/client/contract';
import type { SessionEvent, SessionSnapshot, SessionSummary } from '@jetdrive-hub/client/contract';
import { createSessionRegistry, type SessionRegistry } from '../../server/sessions/session-registry.js';
import {
  attachSessionSocketHandlers,
  type SessionServer,
  type SessionSocketHandlers,
} from '../../server/sessions/session-socket-handlers.js';
import { until } from '../support/until.js';

type Client = Socket<ServerToClientEvents, ClientToServerEvents>;

let httpServer: HttpServer;
let io: SessionServer;
let registry: SessionRegistry;
let handlers: SessionSocketHandlers;
let url: string;
const clients = new Set<Client>();

beforeAll(async () => {
  httpServer = createServer();
  io = new Server(httpServer);
  registry = createSessionRegistry({ maxRunning: 4 });
  handlers = attachSessionSocketHandlers(io, registry, { listThrottleMs: 10 });
  await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(httpServer.address() as AddressInfo).port}`;
});

afterEach(() => {
  for (const c of clients) c.disconnect();
  clients.clear();
});

afterAll(async () => {
  handlers.detach();
  registry.dispose();
  await io.close();
});

/** A client that queues every session event and list broadcast from the moment it connects. */
async function client() {
  const socket: Client = connect(url, { transports: ['websocket'], reconnection: false, forceNew: true });
  clients.add(socket);
  const events: SessionEvent[] = [];
  const lists: SessionSummary[][] = [];
  socket.on('session:event', (e) => events.push(e));
  socket.on('sessions:changed', (l) => lists.push(l));
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('connect_error', reject);
  });
  return { socket, events, lists };
}

const LONG = { max_iterations: 6, convergence_threshold_afr: 0.001, oscillation_detection_enabled: false };

describe('session socket handlers', () => {
  it('the socket that starts a session gets every event from the first, without asking session:watch', async () => {
    const starter = await client();
    const started = await starter.socket.emitWithAck('session:start', LONG);
    if (!started.ok) throw new Error(started.error.message);
    const id = started.data.session_id;
    await until(() => starter.events.some((e) => e.type === 'terminal'), 20_000, 'terminal event');
    const mine = starter.events.filter((e) => e.sessionId === id);
    expect(mine.map((e) => e.seq)).toEqual(mine.map((_, k) => started.data.seq + 1 + k));
    expect(mine.find((e) => e.type === 'progress')).toMatchObject({ iteration: 1 });
    expect(mine.filter((e) => e.type === 'iteration')).toHaveLength(6);
  });

  it('a watcher gets the snapshot, then every iteration and the terminal status, in order', async () => {
    // A third socket starts it (the starter watches from the first event by itself).
    const starter = await client();
    const a = await client();
    const b = await client();
    const started = await starter.socket.emitWithAck('session:start', LONG);
    if (!started.ok) throw new Error(started.error.message);
    const id = started.data.session_id;
    // Arrival order on one connection: the watch ack (with the snapshot) must come before any of its events.
    const arrivals: string[] = [];
    a.socket.on('session:event', (e) => arrivals.push(`event ${e.seq}`));
    const [wa, wb] = await Promise.all([
      new Promise<Result<SessionSnapshot>>((resolve) =>
        a.socket.emit('session:watch', id, (r) => {
          arrivals.push('ack');
          resolve(r);
        }),
      ),
      b.socket.emitWithAck('session:watch', id),
    ]);
    if (!wa.ok || !wb.ok) throw new Error('watch failed');
    const isEnd = (events: SessionEvent[]) => events.some((e) => e.type === 'terminal');
    await until(() => isEnd(a.events) && isEnd(b.events), 20_000, 'terminal event');

    const results = await a.socket.emitWithAck('session:results', id);
    if (!results.ok) throw new Error(results.error.message);
    expect(results.data.status).toBe('max_iterations');
    expect(results.data.iterations).toHaveLength(6);

    for (const [watch, w] of [
      [wa.data, a],
      [wb.data, b],
    ] as const) {
      const mine = w.events.filter((e) => e.sessionId === id);
      // Contiguous after the snapshot: nothing missed, nothing twice.
      expect(mine.map((e) => e.seq)).toEqual(mine.map((_, k) => watch.seq + 1 + k));
      const iterations = mine.flatMap((e) => (e.type === 'iteration' ? [e.result.iteration] : []));
      expect([...watch.iterations.map((r) => r.iteration), ...iterations]).toEqual([1, 2, 3, 4, 5, 6]);
      const last = mine.at(-1);
      expect(last?.type === 'terminal' && last.status).toBe('max_iterations');
      expect(mine.filter((e) => e.type === 'terminal')).toHaveLength(1);
    }
    expect(arrivals[0]).toBe('ack');
    expect(arrivals.length).toBeGreaterThan(1);
    // Both watchers saw the same stream.
    const tail = (events: SessionEvent[], from: number) => events.filter((e) => e.seq > from).map((e) => e.seq);
    const from = Math.max(wa.data.seq, wb.data.seq);
    expect(tail(a.events, from)).toEqual(tail(b.events, from));
  });

  it('broadcasts sessions:changed when a session is created, ends and is removed', async () => {
    const a = await client();
    const viewer = await client();
    const started = await a.socket.emitWithAck('session:start', { base_ve_scenario: 'perfect' });
    if (!started.ok) throw new Error(started.error.message);
    const id = started.data.session_id;
    await until(
      () => viewer.lists.some((l) => l.some((s) => s.session_id === id && s.status === 'converged')),
      10_000,
      'ended list',
    );
    const cleaned = await a.socket.emitWithAck('session:cleanup', { all_completed: true });
    expect(cleaned.ok && cleaned.data.removed).toContain(id);
    await until(() => viewer.lists.at(-1)?.every((s) => s.session_id !== id), 5000, 'removal broadcast');
    const list = await viewer.socket.emitWithAck('session:list');
    expect(list.ok && list.data.map((s) => s.session_id)).not.toContain(id);
  });

  it('answers bad payloads and unknown ids with { ok: false } and the field, never a throw', async () => {
    const { socket } = await client();
    const send = socket as unknown as { emitWithAck(event: string, ...args: unknown[]): Promise<unknown> };
    expect(await send.emitWithAck('session:watch', 42)).toEqual({
      ok: false,
      error: { code: 'VALIDATION_FAILED', message: 'sessionId: expected string, got number', field: 'sessionId' },
    });
    expect(await send.emitWithAck('session:start', { engine_profile: 'vtwin_2000' })).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION_FAILED', message: expect.stringMatching(/^engine_profile: /) },
    });
    expect(await send.emitWithAck('session:cleanup', { all_completed: 1 })).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION_FAILED', message: expect.stringMatching(/^request\.all_completed: /) },
    });
    expect(await send.emitWithAck('session:stop', 'tune_1_1')).toMatchObject({
      ok: false,
      error: { code: 'SESSION_NOT_FOUND' },
    });
    // Without an ack the command is still handled safely and the connection stays usable.
    socket.emit('session:watch', 'tune_1_1', undefined as never);
    const list = await socket.emitWithAck('session:list');
    expect(list.ok).toBe(true);
    expect(socket.connected).toBe(true);
  });

  it('stops the sessions a socket started when it disconnects; unwatch ends its events', async () => {
    const owner = await client();
    const viewer = await client();
    const started = await owner.socket.emitWithAck('session:start', { ...LONG, max_iterations: 50 });
    if (!started.ok) throw new Error(started.error.message);
    const id = started.data.session_id;
    const watched = await viewer.socket.emitWithAck('session:watch', id);
    expect(watched.ok).toBe(true);
    await until(() => viewer.events.some((e) => e.sessionId === id && e.type === 'iteration'), 10_000, 'an iteration');
    const unwatched = await viewer.socket.emitWithAck('session:unwatch', id);
    expect(unwatched).toEqual({ ok: true, data: { id } });
    const seen = viewer.events.length;

    owner.socket.disconnect();
    await lastValueFrom(registry.watch(id).events$, { defaultValue: null });
    expect(registry.snapshot(id).status).toBe('stopped');
    expect(registry.snapshot(id).iterations.length).toBeLessThan(50);
    // A last round trip so anything still in flight to the viewer would have arrived.
    await viewer.socket.emitWithAck('session:list');
    expect(viewer.events.length).toBe(seen);
  });
});
