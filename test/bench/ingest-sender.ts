// Child process of ingest.bench.ts: blasts 1400-byte ChannelValues datagrams (140 samples) at the loopback
// multicast group at a requested rate, so sending never competes with the receiver for the same event loop.
// Loopback only, TTL 0 (network safety).
import { createSocket, type Socket } from 'node:dgram';
import { buildChannelValuesFrames } from '../../server/protocol/index.js';

export interface BlastRequest {
  type: 'blast';
  port: number;
  group: string;
  /** Datagrams per second. */
  rate: number;
  durationMs: number;
}
export interface BlastResult {
  type: 'done';
  sent: number;
  errors: number;
  elapsedMs: number;
}

const SAMPLES = 140;
const HOST = 0x5e4d;
const BURST = 256;

const started = performance.now();

/**
 * One prebuilt datagram per sequence number: sends are asynchronous, so a buffer must not change once queued.
 * Rebuilt per blast with provider timestamps that move on with the clock (frame k of a blast is stamped base + k ms):
 * the hub drops samples more than its stale window (1 s) behind a channel's newest as replays, so timestamps
 * repeating from one blast to the next would be dropped, not counted.
 */
function buildFrames(): Uint8Array[] {
  const base = Math.round(performance.now() - started);
  return Array.from(
    { length: 256 },
    (_, seq) =>
      buildChannelValuesFrames({
        host: HOST,
        seqStart: seq,
        samples: Array.from({ length: SAMPLES }, (_, i) => ({ channelId: i + 1, ts: base + seq, value: i * 1.25 })),
      })[0],
  );
}

/**
 * One socket per receiver, kept across blasts: the hub ties a host id to the source address it first sent from and
 * drops frames for it from another (a new source port per blast would look like spoofing).
 */
const sockets = new Map<string, Promise<Socket>>();

async function openSocket(port: number, group: string): Promise<Socket> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind({ address: '127.0.0.1', port: 0 }, resolve));
  socket.setMulticastInterface('127.0.0.1');
  socket.setMulticastTTL(0);
  socket.setMulticastLoopback(true);
  await new Promise<void>((resolve) => socket.connect(port, group, resolve));
  return socket;
}

function socketFor(port: number, group: string): Promise<Socket> {
  const id = `${group}:${port}`;
  let socket = sockets.get(id);
  if (!socket) {
    socket = openSocket(port, group);
    sockets.set(id, socket);
  }
  return socket;
}

async function blast(req: BlastRequest): Promise<BlastResult> {
  const socket = await socketFor(req.port, req.group);
  const frames = buildFrames();
  let sent = 0;
  let errors = 0;
  let pending = 0;
  const onSent = (error: Error | null): void => {
    pending--;
    if (error) errors++;
  };
  const blastStarted = performance.now();
  for (;;) {
    const elapsed = performance.now() - blastStarted;
    if (elapsed >= req.durationMs) break;
    const target = Math.min(Math.floor((req.rate * elapsed) / 1000), sent + BURST);
    // Keep the kernel send queue from being the bottleneck we measure: wait for callbacks past a bound.
    while (sent < target && pending < 4 * BURST) {
      pending++;
      socket.send(frames[sent & 0xff], onSent);
      sent++;
    }
    await new Promise((resolve) => setImmediate(resolve));
  }
  while (pending > 0) await new Promise((resolve) => setImmediate(resolve));
  const elapsedMs = performance.now() - blastStarted;
  return { type: 'done', sent: sent - errors, errors, elapsedMs };
}

process.on('message', (message: BlastRequest | { type: 'exit' }) => {
  if (message.type === 'exit') process.exit(0);
  void blast(message).then((result) => process.send?.(result));
});
process.send?.({ type: 'ready' });
