import { afterAll, beforeAll, expect, it } from 'vitest';
import { churnCatalog } from '../support/catalog-churn.js';
import { SIMULATOR_CHANNELS } from '../support/simulator-channels.js';
import { startTestHub, type TestHub } from '../support/start-test-hub.js';
import { until } from '../support/until.js';

// Issue 13 §5, scaled to 40 cycles (the stress run does the measured 400): a viewer of `*` while a rogue host clears
// and re-announces 128 channels. Measured before at 400 cycles: indexes up to 51,346 with 147 channels existing,
// and 102,400 stream:channels messages. Indexes are now reused and the changes coalesced per flush.

const CYCLES = 40;
const CHANNELS = 128;

let t: TestHub;
beforeAll(async () => {
  t = await startTestHub({ sim: true });
  const registry = t.hub.ingest.registry;
  await until(() => registry.catalog().channels.length >= SIMULATOR_CHANNELS.length, 5000, 'the simulator channels');
});
afterAll(async () => {
  await t?.close();
});

it('keeps stream indexes below the channel count and coalesces the churn', async () => {
  const simulatorChannels = t.hub.ingest.registry.catalog().channels.length;
  const r = await churnCatalog(t, { cycles: CYCLES, channelCount: CHANNELS });
  console.info(
    `[catalog-churn] ${r.cycles} clear/re-announce cycles of ${CHANNELS} channels in ${r.elapsedMs.toFixed(0)} ms: ` +
      `${r.channelMessages} stream:channels messages, largest index ${r.maxIndex} ` +
      `(${simulatorChannels + CHANNELS} channels at most); viewer sees ${r.viewChannels}, catalog has ${r.catalogChannels}`,
  );
  expect(r.maxIndex).toBeLessThan(simulatorChannels + CHANNELS);
  // Coalesced per flush: at most one message per catalog-changing datagram (an announce of 128 channels is 4 of them,
  // which the hub may handle in one turn or, within its ChannelInfo budget, over several), never one per channel.
  expect(r.channelMessages).toBeLessThanOrEqual(r.datagramsPerCycle * CYCLES + 2);
  expect(r.viewChannels).toBe(r.catalogChannels);
});
