import { mkdtemp, rm } from 'node:fs/promises';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeServer, createHttpApp, createHttpServer, type IngestStatus, listen } from '../../server/http/index.js';
import { createIngest, type Ingest } from '../../server/ingest/create-ingest.js';
import { createChannelMapping, createMappingStore } from '../../server/mapping/index.js';
import { createSimulatedDyno, type SimulatedDyno } from '../../server/sim/simulated-dyno.js';
import { SIMULATOR_CHANNELS } from '../support/simulator-channels.js';
import { OPERATOR_HEADERS, testAuth } from '../support/test-auth.js';
import { LOOPBACK, loopbackMulticast, TEST_GROUP } from '../support/udp.js';
import { sleep } from '../support/until.js';

// The real thing on loopback: the simulated dyno sends JetDrive over multicast (interface 127.0.0.1, TTL 0), the
// ingest decodes it into the registry, the mapping resolves quantities, and the HTTP API serves it.

const port = 30_000 + Math.floor(Math.random() * 25_000);
let dataDir = '';
let ingest: Ingest;
let sim: SimulatedDyno;
let server: Server;
let base = '';

async function get(path: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(base + path);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

async function post(path: string, body?: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(base + path, {
    method: 'POST',
    headers: body === undefined ? OPERATOR_HEADERS : { ...OPERATOR_HEADERS, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

interface DiscoverChannel {
  provider: string;
  channel_name: string;
  quantity: string | null;
  value: number | null;
  sample_values: (number | null)[];
  value_range: { min: number | null; max: number | null };
  unit: { byte: number };
  reasons: string[];
}

/** Polls discover until `done` holds for its channel list (HTTP is async, so support/until's sync predicate won't do). */
async function pollDiscover(
  done: (channels: DiscoverChannel[]) => boolean,
  timeoutMs: number,
): Promise<DiscoverChannel[]> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown = null;
  for (;;) {
    const { status, body } = await get('/api/jetdrive/hardware/channels/discover?samples=5');
    last = body;
    if (status === 200 && done(body.channels as DiscoverChannel[])) return body.channels as DiscoverChannel[];
    if (Date.now() > deadline)
      throw new Error(`discover never complete within ${timeoutMs} ms; last: ${JSON.stringify(last).slice(0, 400)}`);
    await sleep(50);
  }
}

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'jetdrive-live-'));
  const mapping = createChannelMapping({ store: await createMappingStore({ dataDir }) });
  ingest = createIngest({
    multicast: { ...loopbackMulticast(port), groups: [TEST_GROUP] },
    node: { claimMs: 100 },
    resolver: mapping,
  });
  mapping.attach(ingest.registry);
  await ingest.start();
  sim = createSimulatedDyno({ port, group: TEST_GROUP, iface: LOOPBACK, seed: 11, autoPull: false });
  const ingestStatus = (): IngestStatus => {
    const status = ingest.status();
    return {
      source: 'simulated',
      bound: status.port !== null,
      hostId: status.node.hostId,
      passive: status.node.passive,
      port: status.port,
      groups: [TEST_GROUP],
      joins: status.joins,
      lastDatagramAt: null,
    };
  };
  const { app } = createHttpApp({
    registry: ingest.registry,
    mapping,
    ingestStatus,
    simulator: sim,
    auth: testAuth(),
    metrics: { ingest: () => ingest.registry.stats() },
  });
  server = createHttpServer(app);
  const address = await listen(server, { host: LOOPBACK, port: 0 });
  base = `http://${LOOPBACK}:${address.port}`;
});

afterAll(async () => {
  await sim?.stop();
  await ingest?.stop();
  if (server) await closeServer(server);
  await rm(dataDir, { recursive: true, force: true });
});

describe('HTTP API over a live simulated dyno', () => {
  it('is ready once bound, with no data and a 404 discover before the simulator starts', async () => {
    const ready = await get('/ready');
    expect(ready.status).toBe(200);
    expect(ready.body).toMatchObject({ success: true, ready: true, ingest_bound: true, data_flowing: false });
    // Not ready for whoever requires data: nothing has arrived.
    const needsData = await get('/ready?require_data=true');
    expect(needsData.status).toBe(503);
    expect(needsData.body).toMatchObject({
      success: false,
      error: { code: 'NOT_READY', message: 'not ready: no JetDrive data in the last 5000 ms (none yet)' },
    });
    const discover = await get('/api/jetdrive/hardware/channels/discover');
    expect(discover.status).toBe(404);
    expect(discover.body).toMatchObject({
      success: false,
      error: { code: 'NO_CHANNEL_DATA', message: expect.stringMatching(/^no channel data yet: no JetDrive provider/) },
    });
  });

  it('starts the simulator over HTTP and discovers every channel with the right quantity and real values', async () => {
    const start = await post('/api/jetdrive/simulator/start', { profile: 'm8_114', auto_pull: false });
    expect(start.status).toBe(200);
    expect(start.body).toMatchObject({ success: true, status: 'started', profile: { id: 'm8_114' } });

    const channels = await pollDiscover(
      (list) =>
        list.length === SIMULATOR_CHANNELS.length && list.every((channel) => channel.sample_values.length === 5),
      10_000,
    );
    for (const spec of SIMULATOR_CHANNELS) {
      const channel = channels.find(
        (candidate) => candidate.provider === spec.provider && candidate.channel_name === spec.name,
      );
      expect(channel, `${spec.provider}/${spec.name}`).toBeDefined();
      expect(channel!.unit.byte).toBe(spec.unit);
      expect(channel!.quantity, `${spec.name}: ${channel!.reasons.join(' | ')}`).toBe(spec.quantity);
      expect(channel!.value_range.min).not.toBeNull();
      expect(channel!.value_range.max! >= channel!.value_range.min!).toBe(true);
    }
    const baro = channels.find((channel) => channel.channel_name === 'Pressure')!;
    // 29.92 inHg is the simulator's default atmosphere; imperial shows baro in inHg.
    expect(baro.value!).toBeGreaterThan(28);
    expect(baro.value!).toBeLessThan(31.5);

    // Data flows now: ready on either meaning.
    const ready = await get('/ready?require_data=true');
    expect(ready.status).toBe(200);
    expect(ready.body).toMatchObject({ success: true, ready: true, data_flowing: true });
    const status = await get('/api/jetdrive/status');
    expect(status.body).toMatchObject({ source: 'simulated', provider_count: 2, mapping: { unmapped: 0 } });
    expect((status.body.counters as { datagrams: number }).datagrams).toBeGreaterThan(0);
  });

  it('triggers a pull, shows it in the simulator status, and stops', async () => {
    const pull = await post('/api/jetdrive/simulator/pull');
    expect(pull.body).toEqual({ success: true, status: 'pull_started', state: 'pull' });
    const status = await get('/api/jetdrive/simulator/status');
    expect(status.body).toMatchObject({ available: true, active: true, state: 'pull' });

    const metrics = await (await fetch(`${base}/metrics`)).text();
    const datagrams = /^jetdrive_datagrams_total (\d+)$/m.exec(metrics);
    expect(Number(datagrams?.[1])).toBeGreaterThan(0);

    const stop = await post('/api/jetdrive/simulator/stop');
    expect(stop.body).toEqual({ success: true, status: 'stopped' });
    expect((await get('/api/jetdrive/simulator/status')).body).toMatchObject({ active: false });
  });
});
