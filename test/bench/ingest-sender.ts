// Child process of ingest.bench.ts: blasts 1400-byte ChannelValues datagrams (140 samples) at the loopback
// multicast group at a requested rate, so sending never competes with the receiver for the same event loop.
// Loopback only, TTL 0 (network safety).
import { createSocket } from 'node:dgram';
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

// One prebuilt datagram per sequence number: sends are asynchronous, so a buffer must not change once queued.
const frames: Uint8Array[] = Array.from(
  { length: 256 },
  (_, seq) =>
    buildChannelValuesFrames({
      host: HOST,
      seqStart: seq,
      samples: Array.from({ length: SAMPLES }, (_, i) => ({ channelId: i + 1, ts: seq * 10, value: i * 1.25 })),
    })[0],
);

async function blast(req: BlastRequest): Promise<BlastResult> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind({ address: '127.0.0.1', port: 0 }, resolve));
  socket.setMulticastInterface('127.0.0.1');
  socket.setMulticastTTL(0);
  socket.setMulticastLoopback(true);
  await new Promise<void>((resolve) => socket.connect(req.port, req.group, resolve));
  let sent = 0;
  let errors = 0;
  let pending = 0;
  const onSent = (error: Error | null): void => {
    pending--;
    if (error) errors++;
  };
  const started = performance.now();
  for (;;) {
    const elapsed = performance.now() - started;
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
  const elapsedMs = performance.now() - started;
  await new Promise<void>((resolve) => socket.close(() => resolve()));
  return { type: 'done', sent: sent - errors, errors, elapsedMs };
}

process.on('message', (message: BlastRequest | { type: 'exit' }) => {
  if (message.type === 'exit') process.exit(0);
  void blast(message).then((result) => process.send?.(result));
});
process.send?.({ type: 'ready' });
