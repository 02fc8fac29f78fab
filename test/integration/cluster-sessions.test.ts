import type { Result, SessionEvent, SessionSnapshot, SessionSummary } from '@jetdrive-hub/client/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getJson, startCluster, type TestCluster } from '../support/cluster-nodes.js';
import { connectViewer, HUB_OPERATOR, type TestSocket } from '../support/start-test-hub.js';
import { until } from '../support/until.js';

// Session commands and events across real processes: sessions run on the ingest node whoever asks.

const LONG = { max_iterations: 4, convergence_threshold_afr: 0.001, oscillation_detection_enabled: false };

interface Watcher {
  socket: TestSocket;
  events: SessionEvent[];
  lists: SessionSummary[][];
}

async function watcher(url: string, token?: string): Promise<Watcher> {
  const socket = await connectViewer(url, token);
  const events: SessionEvent[] = [];
  const lists: SessionSummary[][] = [];
  socket.on('session:event', (e) => events.push(e));
  socket.on('sessions:changed', (l) => lists.push(l));
  return { socket, events, lists };
}

function contiguousAfter(snapshot: SessionSnapshot, events: SessionEvent[]): number[] {
  return events.filter((e) => e.sessionId === snapshot.session_id).map((e) => e.seq - snapshot.seq);
}

describe('cluster sessions: commands relayed to the ingest node, events on every node', () => {
  let cluster: TestCluster;
  const sockets: TestSocket[] = [];

  beforeAll(async () => {
    cluster = await startCluster(2, { sim: false, interfaces: ['127.0.0.1'] });
  }, 60_000);

  afterAll(async () => {
    for (const s of sockets) s.disconnect();
    await cluster?.close();
  }, 30_000);

  it('a session started on an edge runs on the ingest node; its events reach viewers on both edges', async () => {
    const [edgeA, edgeB] = cluster.edges;
    const starter = await watcher(edgeA.url, HUB_OPERATOR);
    const other = await watcher(edgeB.url);
    const local = await watcher(cluster.ingest.url);
    sockets.push(starter.socket, other.socket, local.socket);

    const started = (await starter.socket.emitWithAck('session:start', LONG)) as Result<SessionSnapshot>;
    if (!started.ok) throw new Error(`${started.error.code}: ${started.error.message}`);
    const id = started.data.session_id;
    const [wb, wl] = await Promise.all([
      other.socket.emitWithAck('session:watch', id),
      local.socket.emitWithAck('session:watch', id),
    ]);
    if (!wb.ok || !wl.ok) throw new Error('watch failed');

    const ended = (w: Watcher) => w.events.some((e) => e.sessionId === id && e.type === 'terminal');
    await until(() => ended(starter) && ended(other) && ended(local), 30_000, 'the terminal event everywhere', 20);

    // Every event once, in order, from the first after each snapshot.
    for (const [snapshot, w] of [
      [started.data, starter],
      [wb.data, other],
      [wl.data, local],
    ] as const) {
      const steps = contiguousAfter(snapshot, w.events);
      expect(steps).toEqual(steps.map((_, k) => k + 1));
      expect(w.events.filter((e) => e.type === 'terminal')).toHaveLength(1);
    }
    const tail = (w: Watcher) => w.events.filter((e) => e.seq > wb.data.seq).map((e) => [e.seq, e.type]);
    expect(tail(other)).toEqual(tail(local));

    // It ran on the ingest node: its HTTP API knows it, and sessions:changed reached the edges' viewers.
    const onIngest = await getJson<{ sessions: { session_id: string }[] }>(
      `${cluster.ingest.url}/api/virtual-tune/sessions`,
    );
    expect(onIngest.sessions.map((s) => s.session_id)).toContain(id);
    await until(() => other.lists.some((l) => l.some((s) => s.session_id === id)), 5_000, 'sessions:changed on B');
    const results = await other.socket.emitWithAck('session:results', id);
    expect(results.ok && results.data.status).toBe('max_iterations');
  }, 60_000);

  it('control on an edge needs the operator token, as on one node', async () => {
    const anonymous = await watcher(cluster.edges[1].url);
    sockets.push(anonymous.socket);
    const refused = await anonymous.socket.emitWithAck('session:start', LONG);
    expect(refused).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } });
    const invalid = (await (
      await watcher(cluster.edges[0].url, HUB_OPERATOR)
    ).socket.emitWithAck('session:start', {
      engine_profile: 'vtwin_2000',
    } as never)) as Result<unknown>;
    expect(invalid).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED', field: 'engine_profile' } });
  });

  it('the sessions an edge viewer started are stopped when it disconnects, as on one node', async () => {
    const owner = await watcher(cluster.edges[0].url, HUB_OPERATOR);
    const other = await watcher(cluster.edges[1].url);
    sockets.push(other.socket);
    const started = (await owner.socket.emitWithAck('session:start', {
      ...LONG,
      max_iterations: 50,
    })) as Result<SessionSnapshot>;
    if (!started.ok) throw new Error(started.error.message);
    const id = started.data.session_id;
    await until(() => owner.events.some((e) => e.sessionId === id && e.type === 'iteration'), 20_000, 'an iteration');
    owner.socket.disconnect();
    const status = async () => {
      const r = await other.socket.emitWithAck('session:results', id);
      return r.ok ? r.data.status : null;
    };
    await until(async () => (await status()) === 'stopped', 10_000, 'the session to stop', 50);
    const results = await other.socket.emitWithAck('session:results', id);
    expect(results.ok && results.data.iterations.length).toBeLessThan(50);
  }, 60_000);
});
