// The hub's ingest path without UDP, for `npm run bench -- ingest`: prebuilt 140-sample ChannelValues datagrams
// pushed through createIngest (decode → JetDrive node → channel registry → SampleBatch) on this thread. CPU time per
// datagram is a figure the shared machine's load moves far less than the zero-loss rate over the socket.
import { Subject } from 'rxjs';
import { createIngest } from '../../server/ingest/create-ingest.js';
import { buildChannelValuesFrames } from '../../server/protocol/index.js';
import type { Datagram } from '../../server/transport/types.js';

const HOST = 0x5e4d;
const DATAGRAMS_PER_ROUND = 20_000;
const ROUNDS = 9;

/** 256 datagrams (one per sequence number) of `samples` records stamped base + seq ms. */
function frames(samples: number, base: number): Buffer[] {
  return Array.from({ length: 256 }, (_, seq) =>
    Buffer.from(
      buildChannelValuesFrames({
        host: HOST,
        seqStart: seq,
        samples: Array.from({ length: samples }, (_, i) => ({ channelId: i + 1, ts: base + seq, value: i * 1.25 })),
      })[0],
    ),
  );
}

/** Median CPU µs per datagram over ROUNDS rounds (the first round warms up and is not counted). */
export async function inProcessCpuPerDatagram(samples: number): Promise<number> {
  const source = new Subject<Datagram>();
  const ingest = createIngest({ datagrams$: source, passive: true });
  await ingest.start();
  const from = { address: '127.0.0.1', port: 40_000 };
  const perDatagram: number[] = [];
  try {
    for (let round = 0; round <= ROUNDS; round++) {
      // Timestamps move on each round: the stale window would drop a repeat of the last round's.
      const batch = frames(samples, round * 1000);
      const started = process.cpuUsage();
      for (let i = 0; i < DATAGRAMS_PER_ROUND; i++)
        source.next({ bytes: batch[i & 0xff], from: { ...from }, receivedAt: Date.now() });
      const used = process.cpuUsage(started);
      if (round > 0) perDatagram.push((used.user + used.system) / DATAGRAMS_PER_ROUND);
    }
    const expected = (ROUNDS + 1) * DATAGRAMS_PER_ROUND * samples;
    const got = ingest.registry.stats().samples;
    if (got !== expected) throw new Error(`in-process ingest counted ${got} samples, expected ${expected}`);
  } finally {
    await ingest.stop();
  }
  perDatagram.sort((a, b) => a - b);
  return perDatagram[perDatagram.length >> 1];
}
