import { createSocket } from 'node:dgram';
import { Subject } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import { createIngest, type Ingest } from '../../server/ingest/create-ingest.js';
import type { Datagram } from '../../server/transport/types.js';
import { closeSocket, freeUdpPort, LOOPBACK, loopbackMulticast, TEST_GROUP } from '../support/udp.js';
import { until } from '../support/until.js';
import {
  createFuzzSource,
  expectedCode,
  VALID_CHANNELS,
  VALID_HOST,
  validInfoFrames,
  validValuesFrame,
} from './fuzz-traffic.js';

// 1,000,000 hostile datagrams (random, and valid frames of every key with mutated bytes) interleaved with valid
// ChannelValues: nothing crashes, every valid sample is delivered, and every malformed datagram is counted under
// the code the codec gives it.
//
// The million goes through the ingest's `datagrams$` input in-process: over real UDP, a receiver that falls
// behind loses datagrams in the kernel, and then "every valid sample delivered" cannot be told apart from loss.
// A real-UDP share (100,000 hostile datagrams) runs lock-step — each burst is sent only once the previous one was
// received — which rules kernel loss out and exercises the socket path with the same traffic.

const FUZZ_IN_PROCESS = 1_000_000;
const FUZZ_UDP = 100_000;
/** One valid frame after every this many hostile datagrams. */
const VALID_EVERY = 8;
const CHUNK = 5_000;
const UDP_BURST = 200;

interface Outcome {
  fuzz: number;
  validFrames: number;
  expected: Record<string, number>;
  wellFormedFuzz: number;
  ms: number;
}

const ingests: Ingest[] = [];
afterEach(async () => {
  for (const ingest of ingests.splice(0)) await ingest.stop();
});

/** Collects the valid provider's markers in a bitmap and checks nothing arrives twice. */
function markerSink(ingest: Ingest, total: number) {
  const seen = new Uint8Array(total);
  let duplicates = 0;
  let count = 0;
  const sub = ingest.registry.samples$.subscribe((batch) => {
    if (batch.providerId !== VALID_HOST) return;
    for (let i = 0; i < batch.count; i++) {
      const marker = batch.values[i];
      if (!Number.isInteger(marker) || marker < 0 || marker >= total) continue;
      if (seen[marker]) duplicates++;
      else count++;
      seen[marker] = 1;
    }
  });
  return {
    count: () => count,
    duplicates: () => duplicates,
    missing: () => {
      const missing: number[] = [];
      for (let i = 0; i < total && missing.length < 10; i++) if (!seen[i]) missing.push(i);
      return missing;
    },
    stop: () => sub.unsubscribe(),
  };
}

function checkOutcome(ingest: Ingest, outcome: Outcome, sink: ReturnType<typeof markerSink>): void {
  const stats = ingest.registry.stats();
  expect(sink.missing()).toEqual([]);
  expect(sink.count()).toBe(outcome.validFrames * VALID_CHANNELS);
  expect(sink.duplicates()).toBe(0);
  expect(stats.malformed).toEqual(outcome.expected);
  expect(stats.datagrams).toBe(outcome.fuzz + outcome.validFrames + validInfoFrames().length);
  const seq = stats.providers[`0x${VALID_HOST.toString(16).toUpperCase()}`];
  expect(seq).toMatchObject({ dropped: 0, outOfOrder: 0, duplicates: 0 });
}

function summary(label: string, outcome: Outcome, ingest: Ingest): string {
  const stats = ingest.registry.stats();
  const malformed = Object.values(outcome.expected).reduce((a, b) => a + b, 0);
  const rate = Math.round((outcome.fuzz + outcome.validFrames) / (outcome.ms / 1000));
  return (
    `[stress] fuzz ${label}: ${outcome.fuzz.toLocaleString('en-US')} hostile + ${outcome.validFrames.toLocaleString('en-US')} valid datagrams in ` +
    `${(outcome.ms / 1000).toFixed(1)} s (${rate.toLocaleString('en-US')}/s); ${(outcome.validFrames * VALID_CHANNELS).toLocaleString('en-US')} valid samples, all delivered; ` +
    `malformed ${malformed.toLocaleString('en-US')} ${JSON.stringify(outcome.expected)}; decodable hostile ${outcome.wellFormedFuzz.toLocaleString('en-US')}; ` +
    `drops ${JSON.stringify(stats.drops)}; heap ${Math.round(process.memoryUsage().heapUsed / 2 ** 20)} MiB\n`
  );
}

describe('fuzzed datagrams into the ingest', () => {
  it(`${FUZZ_IN_PROCESS.toLocaleString('en-US')} hostile datagrams in-process: every valid sample delivered, malformed counted by code`, async () => {
    const input = new Subject<Datagram>();
    const ingest = createIngest({ datagrams$: input, passive: true, node: { offlineAfterMs: 600_000 } });
    ingests.push(ingest);
    await ingest.start();
    const total = (FUZZ_IN_PROCESS / VALID_EVERY) * VALID_CHANNELS;
    const sink = markerSink(ingest, total);
    const fuzz = createFuzzSource(0x5eed_0001);
    const from = { address: '127.0.0.1', port: 40_000 };
    const started = performance.now();
    for (const info of validInfoFrames()) input.next({ bytes: info, from, receivedAt: Date.now() });
    const outcome: Outcome = { fuzz: 0, validFrames: 0, expected: {}, wellFormedFuzz: 0, ms: 0 };
    while (outcome.fuzz < FUZZ_IN_PROCESS) {
      const end = Math.min(FUZZ_IN_PROCESS, outcome.fuzz + CHUNK);
      const receivedAt = Date.now();
      for (; outcome.fuzz < end; outcome.fuzz++) {
        const bytes = fuzz.next();
        const code = expectedCode(bytes);
        if (code === null) outcome.wellFormedFuzz++;
        else outcome.expected[code] = (outcome.expected[code] ?? 0) + 1;
        input.next({ bytes, from, receivedAt });
        if ((outcome.fuzz + 1) % VALID_EVERY === 0) {
          input.next({ bytes: validValuesFrame(outcome.validFrames), from, receivedAt });
          outcome.validFrames++;
        }
      }
      // Let timers (offline checks, clock sync) run between chunks, as they would between real datagrams.
      await new Promise((resolve) => setImmediate(resolve));
    }
    outcome.ms = performance.now() - started;
    sink.stop();
    checkOutcome(ingest, outcome, sink);
    process.stdout.write(summary('in-process', outcome, ingest));
  });

  it(`${FUZZ_UDP.toLocaleString('en-US')} hostile datagrams over real loopback UDP, lock-step: same result`, async () => {
    const port = await freeUdpPort();
    const ingest = createIngest({
      multicast: loopbackMulticast(port),
      passive: true,
      node: { offlineAfterMs: 600_000 },
    });
    ingests.push(ingest);
    await ingest.start();
    const total = (FUZZ_UDP / VALID_EVERY) * VALID_CHANNELS;
    const sink = markerSink(ingest, total);
    const sender = createSocket('udp4');
    await new Promise<void>((resolve) => sender.bind({ address: LOOPBACK, port: 0 }, resolve));
    sender.setMulticastInterface(LOOPBACK);
    sender.setMulticastTTL(0);
    sender.setMulticastLoopback(true);
    const send = (bytes: Uint8Array) =>
      new Promise<void>((resolve, reject) => sender.send(bytes, port, TEST_GROUP, (e) => (e ? reject(e) : resolve())));
    try {
      const fuzz = createFuzzSource(0x5eed_0002);
      const started = performance.now();
      let sent = 0;
      for (const info of validInfoFrames()) {
        await send(info);
        sent++;
      }
      const outcome: Outcome = { fuzz: 0, validFrames: 0, expected: {}, wellFormedFuzz: 0, ms: 0 };
      while (outcome.fuzz < FUZZ_UDP) {
        const end = Math.min(FUZZ_UDP, outcome.fuzz + UDP_BURST);
        const pending: Promise<void>[] = [];
        for (; outcome.fuzz < end; outcome.fuzz++) {
          const bytes = fuzz.next();
          const code = expectedCode(bytes);
          if (code === null) outcome.wellFormedFuzz++;
          else outcome.expected[code] = (outcome.expected[code] ?? 0) + 1;
          pending.push(send(bytes));
          sent++;
          if ((outcome.fuzz + 1) % VALID_EVERY === 0) {
            pending.push(send(validValuesFrame(outcome.validFrames)));
            outcome.validFrames++;
            sent++;
          }
        }
        await Promise.all(pending);
        await until(() => ingest.registry.stats().datagrams >= sent, 5_000, `datagram ${sent} to arrive`, 0);
      }
      outcome.ms = performance.now() - started;
      sink.stop();
      checkOutcome(ingest, outcome, sink);
      process.stdout.write(summary('real UDP', outcome, ingest));
    } finally {
      await closeSocket(sender);
    }
  });
});
