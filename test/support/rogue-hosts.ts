import type { Socket } from 'node:dgram';
import type { Ingest } from '../../server/ingest/create-ingest.js';
import { encodeFrame } from '../../server/protocol/index.js';
import type { JetDriveMessage } from '../../server/protocol/types.js';
import { ALL_HOSTS, KEY } from '../../server/protocol/types.js';
import { closeSocket, openLoopbackMulticast, sendTo } from './udp.js';
import { sleep } from './until.js';

// Rogue JetDrive nodes for the issue-13 attacks: many host ids from one loopback socket (ephemeral port, TTL 0).
// Every loop is bounded in count and time.

/** Host ids 0x7001.. for `count` rogues (never 0, 0xFFFF or an id a test provider uses). */
export const rogueHostIds = (count: number, first = 0x7001): number[] =>
  Array.from({ length: count }, (_, i) => first + i);

/** A Ping to ALL_HOSTS (or `destination`) from `host` with `echoBytes` of echo data. */
export const pingFrom = (host: number, echoBytes: number, seq = 0, destination = ALL_HOSTS): Uint8Array =>
  encodeFrame({
    type: 'Ping',
    key: 0x04,
    host,
    seq,
    destination,
    version: 1,
    hostTs: 0,
    echo: new Uint8Array(echoBytes),
  });

/** What a squatter sends: even hosts only Ping, odd hosts send values for a channel they never name. */
function squatFrame(host: number, seq: number): Uint8Array {
  if (host % 2 === 0) return pingFrom(host, 0, seq);
  const m: JetDriveMessage = {
    type: 'ChannelValues',
    key: KEY.ChannelValues,
    host,
    seq,
    destination: ALL_HOSTS,
    samples: [{ channelId: 1, ts: seq, value: 1 }],
  };
  return encodeFrame(m);
}

export interface Squatters {
  /** Rounds sent so far (every host once per round). */
  readonly rounds: number;
  stop(): Promise<void>;
}

/** `hosts` rogue hosts that each speak every `periodMs` until stopped, or `maxMs` passed (a bound). */
export async function startSquatters(
  port: number,
  hosts: readonly number[],
  periodMs: number,
  maxMs: number,
): Promise<Squatters> {
  const socket: Socket = await openLoopbackMulticast(0);
  let rounds = 0;
  let stopped = false;
  const deadline = Date.now() + maxMs;
  const loop = (async () => {
    while (!stopped && Date.now() < deadline) {
      for (const host of hosts) await sendTo(socket, squatFrame(host, rounds & 0xff), port);
      rounds++;
      await sleep(periodMs);
    }
  })();
  return {
    get rounds() {
      return rounds;
    },
    async stop() {
      stopped = true;
      await loop;
      await closeSocket(socket);
    },
  };
}

export interface PingFlood {
  sent: number;
  sentBytes: number;
  elapsedMs: number;
}

/**
 * Sends `count` Pings (echo data of `echoBytes`) from the given host ids in turn, spread evenly over `durationMs`,
 * from one socket. Resolves when all are sent (bounded by count; paced so it takes about durationMs).
 */
export async function floodPings(
  socket: Socket,
  port: number,
  options: { count: number; durationMs: number; echoBytes: number; hosts: readonly number[] },
): Promise<PingFlood> {
  const started = Date.now();
  const batches = Math.max(1, Math.ceil(options.durationMs / 10));
  const perBatch = Math.ceil(options.count / batches);
  let sent = 0;
  let sentBytes = 0;
  for (let b = 0; b < batches && sent < options.count; b++) {
    const sends: Promise<void>[] = [];
    for (let i = 0; i < perBatch && sent < options.count; i++, sent++) {
      const bytes = pingFrom(options.hosts[sent % options.hosts.length], options.echoBytes, sent & 0xff);
      sentBytes += bytes.byteLength;
      sends.push(sendTo(socket, bytes, port));
    }
    await Promise.all(sends);
    const due = started + ((b + 1) * options.durationMs) / batches;
    if (due > Date.now()) await sleep(due - Date.now());
  }
  return { sent, sentBytes, elapsedMs: Date.now() - started };
}

/**
 * Pings the hub has handled: answered, suppressed by the Pong limits, or refused with their host (provider table
 * full). Null on code without the Pong counters.
 */
export function pingsHandled(ingest: Ingest): number | null {
  const p = ingest.node.status().pongs;
  if (!p) return null;
  const suppressed = Object.values(p.suppressed).reduce((a, b) => a + b, 0);
  return p.answered + suppressed + (ingest.registry.stats().drops.providers ?? 0);
}

/** Counts Pongs (and their bytes) that `host` sends to the group, heard on a socket bound to the JetDrive port. */
export async function countPongs(port: number, host: () => number | null) {
  const socket = await openLoopbackMulticast(port);
  const counts = { pongs: 0, bytes: 0 };
  socket.on('message', (bytes: Buffer) => {
    if (bytes.length >= 8 && bytes[0] === KEY.Pong && (bytes[3] | (bytes[4] << 8)) === host()) {
      counts.pongs++;
      counts.bytes += bytes.length;
    }
  });
  return { counts, close: () => closeSocket(socket) };
}
