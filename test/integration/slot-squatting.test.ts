import { afterEach, describe, expect, it } from 'vitest';
import type { EvictionNotice } from '@jetdrive-hub/client/contract';
import { floodHandshakes, subscribeDistinct } from '../support/flood-handshakes.js';
import { openConnections } from '../support/open-connections.js';
import {
  command,
  connectViewer,
  HUB_OPERATOR,
  HUB_VIEWER,
  startTestHub,
  type TestHub,
} from '../support/start-test-hub.js';
import { sleep, until } from '../support/until.js';

// Issue 13 §2, scaled down: what one anonymous client can take from everyone else. Every client is a real
// Socket.IO or HTTP client on loopback; other client machines are other 127.x addresses (Linux routes 127/8 to lo).
// Full-size runs: test/stress/slot-squatting.test.ts.

const ATTACKER = '127.0.0.1';
const OP_HEADERS = { authorization: `Bearer ${HUB_OPERATOR}`, 'content-type': 'application/json' };

let t: TestHub | null = null;
afterEach(async () => {
  await t?.close();
  t = null;
});

describe('connection slots', () => {
  // Measured before: one client opened 499 of 500 connections; the operator and every viewer were refused.
  const MAX = 40;
  const PER_ADDRESS = 8;
  const RESERVED = 4;

  it('one address gets at most its share; viewers elsewhere and the operator (same address) still connect', async () => {
    t = await startTestHub({
      maxViewers: MAX,
      maxConnectionsPerAddress: PER_ADDRESS,
      operatorReservedConnections: RESERVED,
    });
    const attack = await openConnections(t.url, MAX - 1, { localAddress: ATTACKER });
    const viewers = await openConnections(t.url, 5, { localAddress: '127.0.0.2' });
    const operator = await openConnections(t.url, 1, { localAddress: ATTACKER, token: HUB_OPERATOR });
    try {
      console.info(
        `[slot-squatting] attacker asked ${MAX - 1} of ${MAX}, got ${attack.sockets.length} (refused ${JSON.stringify(attack.refused)}); ` +
          `viewers on another address ${viewers.sockets.length}/5; operator on the attacker's address ${operator.sockets.length}/1`,
      );
      expect(attack.sockets.length).toBe(PER_ADDRESS);
      expect(attack.refused).toEqual({ TOO_MANY_FROM_ADDRESS: MAX - 1 - PER_ADDRESS });
      expect(viewers.sockets.length).toBe(5);
      expect(operator.sockets.length).toBe(1);
    } finally {
      attack.close();
      viewers.close();
      operator.close();
    }
  });

  it('many addresses fill the open slots; the reserved ones still admit operator-token holders', async () => {
    t = await startTestHub({
      maxViewers: MAX,
      maxConnectionsPerAddress: PER_ADDRESS,
      operatorReservedConnections: RESERVED,
    });
    const hub = t;
    const groups = await Promise.all(
      Array.from({ length: 6 }, (_, i) => openConnections(hub.url, PER_ADDRESS, { localAddress: `127.0.1.${i + 1}` })),
    );
    const operators = await openConnections(t.url, RESERVED + 1, { localAddress: '127.0.2.1', token: HUB_OPERATOR });
    try {
      const anonymous = groups.reduce((n, g) => n + g.sockets.length, 0);
      const refused = groups.reduce((n, g) => n + (g.refused.TOO_MANY_CONNECTIONS ?? 0), 0);
      console.info(
        `[slot-squatting] 6 addresses × ${PER_ADDRESS}: ${anonymous} admitted, ${refused} refused TOO_MANY_CONNECTIONS; ` +
          `operators ${operators.sockets.length}/${RESERVED + 1} (refused ${JSON.stringify(operators.refused)})`,
      );
      expect(anonymous).toBe(MAX - RESERVED);
      expect(refused).toBe(6 * PER_ADDRESS - (MAX - RESERVED));
      expect(operators.sockets.length).toBe(RESERVED);
      expect(operators.refused).toEqual({ TOO_MANY_CONNECTIONS: 1 });
    } finally {
      for (const g of groups) g.close();
      operators.close();
    }
  });
});

describe('stream table', () => {
  // Measured before: 63 anonymous sockets filled the global table (2,000 streams) in 1.6 s; every new dashboard
  // subscription then got TOO_MANY_STREAMS. Scaled: a table of 200, 7 sockets × 32 distinct selections.
  const TABLE = 200;

  it('one address holds at most its share of the table; identical selections count once; a dashboard still subscribes', async () => {
    t = await startTestHub({
      realtimeMaxStreams: TABLE,
      realtimeMaxStreamsPerSocket: 16,
      realtimeMaxStreamsPerAddress: 64,
    });
    const attack = await openConnections(t.url, 7, { localAddress: ATTACKER });
    const dashboard = await connectViewer(t.url, undefined, { localAddress: '127.0.0.2' });
    try {
      const started = performance.now();
      const outcomes = await subscribeDistinct(attack.sockets, 32);
      const elapsedMs = performance.now() - started;
      const tableAfterAttack = t.hub.gateway()?.stats().streams;
      // A selection the address already holds is free for every socket of it with room left under its own cap:
      // one stream, held once, however many subscribe.
      const same = await Promise.all(
        attack.sockets.map((socket) => command(socket, 'channel:subscribe', { selectors: ['squat-0-0'] })),
      );
      const tableAfterSame = t.hub.gateway()?.stats().streams;
      const dashboardResult = await command(dashboard, 'channel:subscribe', { selectors: ['*'], maxHz: 20 });
      const stats = t.hub.gateway()?.stats();
      const sameOk = same.filter((r) => r.ok).length;
      console.info(
        `[slot-squatting] 7 sockets × 32 distinct selections in ${elapsedMs.toFixed(0)} ms: ${JSON.stringify(outcomes)}; ` +
          `table ${tableAfterAttack}/${TABLE}; the same selection from all 7: ${sameOk}/7 ok, table ${tableAfterSame}; ` +
          `dashboard subscription ${dashboardResult.ok ? 'ok' : JSON.stringify(dashboardResult)}`,
      );
      expect(outcomes.ok).toBe(64);
      expect(tableAfterAttack).toBe(64);
      expect(tableAfterSame).toBe(64);
      for (const r of same) {
        if (!r.ok) expect(r.error.message).toMatch(/per socket/);
      }
      expect(dashboardResult).toMatchObject({ ok: true });
      expect(stats?.streams).toBe(65);
      expect(stats?.refusedSubscriptions.addressStreams).toBeGreaterThan(0);
    } finally {
      attack.close();
      dashboard.close();
    }
  });
});

describe('control budget', () => {
  // Measured before: a viewer sending ~3 junk events/s gave the operator 0/20 socket commands and 0/20 HTTP control
  // requests (all 429) for 20 s.
  it('junk events and refused control commands cost the sender only; the operator keeps 20/20 + 20/20', async () => {
    t = await startTestHub({ controlBurst: 45, controlRatePerMin: 120, unknownEventsPerMin: 20 });
    const hub = t;
    const junk = await connectViewer(t.url, undefined, { localAddress: ATTACKER });
    const pretender = await connectViewer(t.url, undefined, { localAddress: ATTACKER });
    const operator = await connectViewer(t.url, HUB_OPERATOR, { localAddress: ATTACKER });
    try {
      const evicted = new Promise<EvictionNotice>((resolve) => junk.once('viewer:evicted', resolve));
      const raw = junk as unknown as { emit(event: string, ...args: unknown[]): void };
      for (let i = 0; i < 60; i++) raw.emit(`junk:${i}`, { i });
      // A viewer without the token hammers the control commands: its address's anonymous budget runs dry.
      const pretenderRefusals: Record<string, number> = {};
      for (let i = 0; i < 60; i++) {
        const r = await command(pretender, 'session:cleanup', { all_completed: true });
        if (!r.ok) pretenderRefusals[r.error.code] = (pretenderRefusals[r.error.code] ?? 0) + 1;
      }
      let socketOk = 0;
      let httpOk = 0;
      for (let i = 0; i < 20; i++) {
        if ((await command(operator, 'session:cleanup', { all_completed: true })).ok) socketOk++;
        const response = await fetch(`${hub.url}/api/virtual-tune/cleanup`, {
          method: 'POST',
          headers: OP_HEADERS,
          body: JSON.stringify({ all_completed: true }),
        });
        if (response.status === 200) httpOk++;
      }
      const notice = await Promise.race([evicted, sleep(2000).then(() => null)]);
      console.info(
        `[slot-squatting] 60 junk events: sender evicted: ${notice?.code ?? 'no'}; pretender refused ${JSON.stringify(pretenderRefusals)}; ` +
          `operator socket commands ${socketOk}/20, HTTP control ${httpOk}/20`,
      );
      expect(notice?.code).toBe('TOO_MANY_UNKNOWN_EVENTS');
      expect(socketOk).toBe(20);
      expect(httpOk).toBe(20);
      // The burst of 45 went on refusals (UNAUTHORIZED); the rest were rate limited.
      expect(pretenderRefusals.UNAUTHORIZED).toBeGreaterThanOrEqual(45);
      expect(pretenderRefusals.RATE_LIMITED).toBeGreaterThanOrEqual(10);
      // Reading is not control: the pretender is still served.
      expect(await command(pretender, 'catalog:get')).toMatchObject({ ok: true });
      const stats = hub.hub.gateway()?.stats();
      expect(stats?.unknownEvents).toBeLessThanOrEqual(20);
    } finally {
      junk.close();
      pretender.close();
      operator.close();
    }
  });
});

describe('Engine.IO handshakes', () => {
  // Measured before: with a viewer token required, one client made 286,341 long-polling handshakes in 44 s without
  // a token, none counted against the viewer limit; RSS 130 MB → 2 GB until the 45 s connect timeout.
  const PENDING_PER_ADDRESS = 8;
  const FLOOD = 2_000;
  const FLOOD_MS = 3_000;

  it('bounds handshakes that never join, per address; they close at the connect timeout', async () => {
    t = await startTestHub({
      viewerToken: HUB_VIEWER,
      maxPendingHandshakes: 64,
      maxPendingHandshakesPerAddress: PENDING_PER_ADDRESS,
      connectTimeoutMs: 1_000,
    });
    const hub = t;
    const engine = () => hub.hub.gateway()?.io.engine.clientsCount ?? 0;
    let maxOpen = 0;
    const { sent, accepted, refused } = await floodHandshakes(hub.url, {
      durationMs: FLOOD_MS,
      maxRequests: FLOOD,
      batch: 20,
      keepGoing: () => {
        maxOpen = Math.max(maxOpen, engine());
        return true;
      },
    });
    maxOpen = Math.max(maxOpen, engine());
    // A real viewer (another machine) connects with its token while the attacker's sessions still wait.
    const viewer = await connectViewer(hub.url, HUB_VIEWER, { localAddress: '127.0.0.2' });
    viewer.close();
    console.info(
      `[slot-squatting] ${sent} polling handshakes without a token: ${accepted} accepted, ${refused} refused; ` +
        `Engine.IO sessions open at most ${maxOpen}`,
    );
    expect(sent).toBeGreaterThanOrEqual(200);
    expect(maxOpen).toBeLessThanOrEqual(PENDING_PER_ADDRESS + 1);
    // Each pending session frees its slot after the 1 s connect timeout, so a 3 s flood gets a few rounds.
    expect(accepted).toBeLessThanOrEqual(PENDING_PER_ADDRESS * (Math.ceil(FLOOD_MS / 1_000) + 2));
    await until(() => engine() === 0, 3000, 'the pending sessions to be closed by the connect timeout');
    const metrics = await (
      await fetch(`${hub.url}/metrics`, { headers: { authorization: `Bearer ${HUB_VIEWER}` } })
    ).text();
    expect(Number(/jetdrive_realtime_unjoined_sessions_closed_total (\d+)/.exec(metrics)?.[1])).toBe(accepted);
    expect(
      Number(/jetdrive_realtime_refused_handshakes_total\{reason="TOO_MANY_PENDING"\} (\d+)/.exec(metrics)?.[1]),
    ).toBe(refused);
  });
});
