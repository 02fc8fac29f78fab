import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import type { Server } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { IngestStats } from '../../server/channels/types.js';
import { getEngineProfile, profileSummary } from '../../server/engine/engine-profiles.js';
import type { PullResult } from '../../server/engine/types.js';
import {
  closeServer,
  createHttpApp,
  createHttpServer,
  type HttpAppDeps,
  type IngestStatus,
  listen,
} from '../../server/http/index.js';
import type { SimulatorControl } from '../../server/http/simulator-control.js';
import { createChannelMapping, createMappingStore } from '../../server/mapping/index.js';
import type { SimStatus } from '../../server/sim/types.js';
import {
  createFakeChannelRegistry,
  type FakeChannelRegistry,
  populateSimulatorChannels,
} from '../support/fake-channel-registry.js';
import { ATMO_PROVIDER, DYNO_PROVIDER, SIMULATOR_CHANNELS } from '../support/simulator-channels.js';
import { OPERATOR_HEADERS, testAuth } from '../support/test-auth.js';

// Every endpoint on a real HTTP server (port 0, loopback) over a test double of the channel registry filled with the
// simulated dyno's channel set.

interface Hub {
  base: string;
  server: Server;
  registry: FakeChannelRegistry;
  ingest: IngestStatus;
}

const started: Hub[] = [];
const dirs: string[] = [];

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'jetdrive-http-'));
  dirs.push(dir);
  return dir;
}

function fakeSimulator(): SimulatorControl & { pulls: number } {
  let status: SimStatus = { active: false, state: 'stopped', profile: null, current: null, providers: [], pulls: 0 };
  const profile = profileSummary(getEngineProfile('m8_114'));
  const sim = {
    pulls: 0,
    async start() {
      status = {
        ...status,
        active: true,
        state: 'idle',
        profile,
        providers: [{ name: DYNO_PROVIDER, hostId: 0x1234 }],
      };
      return status;
    },
    async stop() {
      status = { ...status, active: false, state: 'stopped' };
    },
    pull(): PullResult {
      if (!status.active) return { ok: false, code: 'SIM_NOT_RUNNING', message: 'simulator is not running' };
      if (status.state !== 'idle')
        return { ok: false, code: 'SIM_NOT_IDLE', message: `simulator is in ${status.state}` };
      sim.pulls++;
      status = { ...status, state: 'pull', pulls: status.pulls + 1 };
      return { ok: true, state: 'pull' };
    },
    status: () => status,
    profiles: () => [profile],
  };
  return sim;
}

async function startHub(
  options: {
    dataDir?: string;
    populate?: boolean;
    unit?: number;
    simulator?: SimulatorControl | null;
    extra?: Partial<Omit<HttpAppDeps, 'auth'>>;
  } = {},
): Promise<Hub> {
  const registry = createFakeChannelRegistry();
  if (options.populate !== false) populateSimulatorChannels(registry, { unitOverride: options.unit });
  const store = await createMappingStore({ dataDir: options.dataDir ?? (await tempDir()) });
  const mapping = createChannelMapping({ registry, store });
  const ingest: IngestStatus = {
    source: 'simulated',
    bound: true,
    hostId: 0x0abc,
    passive: false,
    port: 40_123,
    groups: ['224.0.2.10'],
    joins: [
      { group: '224.0.2.10', iface: '127.0.0.1', ok: true },
      { group: '224.0.2.10', iface: '10.9.9.9', ok: false, error: 'EADDRNOTAVAIL' },
    ],
    lastDatagramAt: Date.now(),
  };
  const stats: IngestStats = {
    ...registry.stats(),
    datagrams: 1234,
    bytes: 98_765,
    malformed: { TOO_SHORT: 3, LENGTH_MISMATCH: 1 },
    providers: { '0x43FD': { received: 1200, dropped: 7, outOfOrder: 2, first: 1, duplicates: 1 } },
  };
  const { app } = createHttpApp({
    registry,
    mapping,
    ingestStatus: () => ingest,
    simulator: options.simulator === undefined ? fakeSimulator() : options.simulator,
    metrics: {
      ingest: () => stats,
      gateway: () => ({
        viewers: 3,
        subscriptions: 11,
        conflatedFrames: 42,
        droppedFrames: 5,
        laggingViewers: 1,
        disconnectedSlow: 2,
      }),
      sessions: () => ({ byStatus: { running: 2, converged: 1 } }),
    },
    options: { bodyLimitBytes: 4096 },
    auth: testAuth(),
    ...options.extra,
  });
  const server = createHttpServer(app);
  const address = await listen(server, { host: '127.0.0.1', port: 0 });
  const hub = { base: `http://127.0.0.1:${address.port}`, server, registry, ingest };
  started.push(hub);
  return hub;
}

async function call(
  hub: Hub,
  path: string,
  init: RequestInit = {},
): Promise<{ status: number; body: Record<string, unknown>; headers: Headers }> {
  // Every call carries the operator token: authorization itself is tested in auth-routes.test.ts.
  const headers = new Headers(init.headers);
  if (!headers.has('authorization')) headers.set('authorization', OPERATOR_HEADERS.authorization);
  const response = await fetch(hub.base + path, { ...init, headers });
  const text = await response.text();
  const body = response.headers.get('content-type')?.includes('json')
    ? (JSON.parse(text) as Record<string, unknown>)
    : { text };
  return { status: response.status, body, headers: response.headers };
}

function json(method: string, body: unknown): RequestInit {
  return { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
}

interface ErrorShape {
  success: false;
  error: { code: string; message: string; details?: unknown };
}

function expectError(body: Record<string, unknown>, code: string): ErrorShape['error'] {
  const error = body as unknown as ErrorShape;
  expect(error.success).toBe(false);
  expect(error.error.code).toBe(code);
  expect(typeof error.error.message).toBe('string');
  expect(JSON.stringify(body)).not.toMatch(/\bat .*\.ts:\d+/);
  return error.error;
}

afterEach(async () => {
  while (started.length > 0) await closeServer(started.pop()!.server);
});

afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

describe('health, ready and status', () => {
  it('GET /health is 200 while the process runs', async () => {
    const hub = await startHub();
    const { status, body } = await call(hub, '/health');
    expect(status).toBe(200);
    expect(body).toMatchObject({ success: true, status: 'ok' });
  });

  it('GET /ready: 503 in the one error shape until the ingest is bound, then 200 saying whether data flows', async () => {
    const hub = await startHub();
    hub.ingest.bound = false;
    let response = await call(hub, '/ready');
    expect(response.status).toBe(503);
    expect(expectError(response.body, 'NOT_READY')).toMatchObject({
      message: expect.stringMatching(/not bound/),
      details: { ingest_bound: false, source: 'simulated' },
    });

    hub.ingest.bound = true;
    response = await call(hub, '/ready');
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ success: true, ready: true, data_flowing: true, source: 'simulated' });

    // Bound but silent: still ready (the dashboard must stay reachable to say why), unless data is required.
    hub.ingest.lastDatagramAt = Date.now() - 6_000;
    response = await call(hub, '/ready');
    expect(response.status).toBe(200);
    expect(response.body.data_flowing).toBe(false);
    expect(response.body.last_data_age_ms).toBeGreaterThanOrEqual(6_000);
    response = await call(hub, '/ready?require_data=true');
    expect(response.status).toBe(503);
    expect(expectError(response.body, 'NOT_READY')).toMatchObject({
      message: expect.stringMatching(/no JetDrive data in the last 5000 ms/),
      details: { ingest_bound: true, data_flowing: false, data_window_ms: 5000 },
    });
    hub.ingest.lastDatagramAt = Date.now();
    expect((await call(hub, '/ready?require_data=true')).status).toBe(200);
  });

  it('GET /api/jetdrive/status reports source, joins and failures, providers, viewers and counters', async () => {
    const hub = await startHub();
    const { status, body } = await call(hub, '/api/jetdrive/status');
    expect(status).toBe(200);
    expect(body).toMatchObject({
      success: true,
      source: 'simulated',
      simulated: true,
      ingest: {
        bound: true,
        host_id: 0x0abc,
        host_id_hex: '0x0ABC',
        passive: false,
        joined: [{ group: '224.0.2.10', iface: '127.0.0.1' }],
        failures: [{ group: '224.0.2.10', iface: '10.9.9.9', error: 'EADDRNOTAVAIL' }],
      },
      provider_count: 2,
      channel_count: SIMULATOR_CHANNELS.length,
      viewers: 3,
      counters: { datagrams: 1234, malformed: 4, malformed_by_code: { TOO_SHORT: 3, LENGTH_MISMATCH: 1 } },
      mapping: { mapped: SIMULATOR_CHANNELS.length, unmapped: 0, hidden: 0, corrupt: null },
    });
    const providers = body.providers as Record<string, unknown>[];
    expect(providers.map((provider) => provider.provider_id_hex).sort()).toEqual(['0x43FD', '0x43FE']);
    expect(providers[0]).toMatchObject({
      name: DYNO_PROVIDER,
      online: true,
      channel_count: 16,
      clock: { synced: true, offset_ms: 12, latency_ms: 0.4 },
      sequence: { received: expect.any(Number), dropped: 0, out_of_order: 0 },
    });
    expect(typeof body.uptime_s).toBe('number');
  });

  it('GET /api/jetdrive/providers lists both providers', async () => {
    const hub = await startHub();
    const { status, body } = await call(hub, '/api/jetdrive/providers');
    expect(status).toBe(200);
    expect(body.count).toBe(2);
    expect((body.providers as { name: string }[]).map((provider) => provider.name).sort()).toEqual([
      ATMO_PROVIDER,
      DYNO_PROVIDER,
    ]);
  });
});

describe('channels and discovery', () => {
  it('GET /api/jetdrive/channels converts SI values to the unit system and names the quantity', async () => {
    const hub = await startHub();
    const imperial = await call(hub, '/api/jetdrive/channels');
    expect(imperial.status).toBe(200);
    expect(imperial.body.unit_system).toBe('imperial');
    const channels = imperial.body.channels as Record<string, unknown>[];
    expect(channels).toHaveLength(SIMULATOR_CHANNELS.length);
    const power = channels.find((channel) => channel.name === 'Power')!;
    expect(power).toMatchObject({
      quantity: 'power',
      quantity_source: 'auto',
      display_unit: 'hp',
      unit: { byte: 4, label: 'kW' },
    });
    expect(power.value).toBeCloseTo((power.si_value as number) * 1.34102209, 6);
    const temp = channels.find((channel) => channel.name === 'Temperature 1')!;
    expect(temp.display_unit).toBe('°F');
    expect(temp.value).toBeCloseTo((temp.si_value as number) * 1.8 + 32, 6);
    expect((power.rate_hz as number) > 0).toBe(true);

    const metric = await call(hub, '/api/jetdrive/channels?units=metric');
    const metricPower = (metric.body.channels as Record<string, unknown>[]).find(
      (channel) => channel.name === 'Power',
    )!;
    expect(metricPower.display_unit).toBe('kW');
    expect(metricPower.value).toBe(metricPower.si_value);
  });

  it('rejects a bad query naming the field', async () => {
    const hub = await startHub();
    const units = await call(hub, '/api/jetdrive/channels?units=furlongs');
    expect(units.status).toBe(400);
    expect(expectError(units.body, 'VALIDATION_FAILED').message).toMatch(/^query\.units: /);
    const samples = await call(hub, '/api/jetdrive/hardware/channels/discover?samples=0');
    expect(samples.status).toBe(400);
    expect(expectError(samples.body, 'VALIDATION_FAILED').message).toMatch(/^query\.samples: /);
    const unknown = await call(hub, '/api/jetdrive/hardware/channels/discover?sample=3');
    expect(unknown.status).toBe(400);
    expect(expectError(unknown.body, 'VALIDATION_FAILED').message).toMatch(/sample/);
  });

  it("discover answers 404 before any data, in the one error shape, saying why in this hub's terms", async () => {
    const hub = await startHub({ populate: false });
    const { status, body } = await call(hub, '/api/jetdrive/hardware/channels/discover');
    expect(status).toBe(404);
    const error = expectError(body, 'NO_CHANNEL_DATA');
    expect(error.message).toMatch(
      /^no channel data yet: no JetDrive provider has been heard on 224\.0\.2\.10 port 40123 \(joined on 127\.0\.0\.1\); the simulated dyno may be stopped/,
    );
    expect(error.message).not.toMatch(/live capture/i);
    expect(error.details).toEqual({ source: 'simulated', providers_seen: 0, channel_count: 0 });
  });

  it('discover returns the older shape plus provider, unit, quantity, confidence and reasons, with real samples and range', async () => {
    const hub = await startHub();
    const { status, body } = await call(hub, '/api/jetdrive/hardware/channels/discover');
    expect(status).toBe(200);
    expect(body.success).toBe(true);
    expect(body.channel_count).toBe(SIMULATOR_CHANNELS.length);
    expect(typeof body.timestamp).toBe('string');
    const channels = body.channels as Record<string, unknown>[];
    const rpm = channels.find((channel) => channel.channel_name === 'Digital RPM 1')!;
    expect(Object.keys(rpm)).toEqual(
      expect.arrayContaining([
        'id',
        'name',
        'value',
        'sample_values',
        'value_range',
        'suggested_config',
        'provider',
        'unit',
        'quantity',
        'confidence',
        'reasons',
      ]),
    );
    const key = hub.registry.keyOf(DYNO_PROVIDER, 'Digital RPM 1');
    const last20 = hub.registry
      .history(key)
      .slice(-20)
      .map((sample) => sample.value);
    expect(rpm.sample_values).toEqual(last20);
    const meta = hub.registry.getChannel(key)!;
    expect(rpm.value_range).toEqual({ min: meta.min, max: meta.max });
    expect(rpm.suggested_config).toMatchObject({
      label: 'RPM 1',
      units: 'RPM',
      decimals: 0,
      color: '#4ade80',
      min: 0,
      max: 8000,
    });
    expect(rpm).toMatchObject({ provider: DYNO_PROVIDER, unit: { byte: 8, label: 'RPM' }, quantity: 'rpm' });
    expect(rpm.confidence as number).toBeGreaterThan(0.8);
    expect((rpm.reasons as string[]).length).toBeGreaterThan(0);

    const few = await call(hub, '/api/jetdrive/hardware/channels/discover?samples=5&units=metric');
    const torque = (few.body.channels as Record<string, unknown>[]).find(
      (channel) => channel.channel_name === 'Torque',
    )!;
    expect(torque.sample_values).toHaveLength(5);
    expect(torque.suggested_config).toMatchObject({ units: 'N·m', label: 'Torque' });
  });

  it('discover suggests the right quantity for every simulator channel, with its unit byte and with unit 255', async () => {
    for (const unit of [undefined, 255]) {
      const hub = await startHub({ unit });
      const { body } = await call(hub, '/api/jetdrive/hardware/channels/discover');
      const channels = body.channels as {
        provider: string;
        channel_name: string;
        quantity: string;
        reasons: string[];
      }[];
      for (const spec of SIMULATOR_CHANNELS) {
        const channel = channels.find(
          (candidate) => candidate.provider === spec.provider && candidate.channel_name === spec.name,
        )!;
        expect(channel.quantity, `${spec.name} (unit ${unit ?? spec.unit}): ${channel.reasons.join(' | ')}`).toBe(
          spec.quantity,
        );
      }
    }
  });

  it('NaN values become null in value, sample_values and the catalog', async () => {
    const hub = await startHub();
    const key = hub.registry.keyOf(DYNO_PROVIDER, 'VBatt');
    hub.registry.push(key, Number.NaN, Date.now());
    hub.registry.push(key, Number.POSITIVE_INFINITY, Date.now());
    const { status, body } = await call(hub, '/api/jetdrive/hardware/channels/discover');
    expect(status).toBe(200);
    const vbatt = (body.channels as Record<string, unknown>[]).find((channel) => channel.channel_name === 'VBatt')!;
    expect(vbatt.value).toBeNull();
    expect((vbatt.sample_values as unknown[]).slice(-2)).toEqual([null, null]);
    const catalog = await call(hub, '/api/jetdrive/channels');
    expect(
      (catalog.body.channels as Record<string, unknown>[]).find((channel) => channel.name === 'VBatt')!.value,
    ).toBeNull();
  });

  it('GET /api/jetdrive/channels/unmapped lists what the mapping could not place, with its best guess', async () => {
    const hub = await startHub();
    hub.registry.addProvider(0x5555, 'Power Core', [
      { id: 0, name: 'Sampling', unit: 255 },
      { id: 2, name: 'TCP TX kB/s', unit: 255 },
      { id: 3, name: 'Internal Temp 1', unit: 6 },
      { id: 22, name: 'Engine RPM', unit: 8 },
    ]);
    const { status, body } = await call(hub, '/api/jetdrive/channels/unmapped');
    expect(status).toBe(200);
    const names = (body.channels as { name: string }[]).map((channel) => channel.name).sort();
    expect(names).toEqual(['Internal Temp 1', 'Sampling', 'TCP TX kB/s']);
    expect((body.channels as { best_guess: { reasons: string[] } }[])[0].best_guess.reasons.length).toBeGreaterThan(0);
  });
});

describe('mapping overrides', () => {
  it('PUT stores overrides that change the catalog; GET shows them; they survive a restart', async () => {
    const dataDir = await tempDir();
    const hub = await startHub({ dataDir });
    const path = `/api/jetdrive/mapping/${encodeURIComponent(ATMO_PROVIDER)}`;
    const put = await call(
      hub,
      path,
      json('PUT', {
        channels: {
          Pressure: { quantity: 'map', display_name: 'Boost' },
          Humidity: { hidden: true },
          'Temperature 1': { unit: 6, quantity: null },
        },
      }),
    );
    expect(put.status).toBe(200);
    expect(put.body.overrides).toMatchObject({ Pressure: { quantity: 'map', display_name: 'Boost' } });

    const check = async (target: Hub) => {
      const channels = (await call(target, '/api/jetdrive/channels')).body.channels as Record<string, unknown>[];
      const pressure = channels.find((channel) => channel.name === 'Pressure')!;
      expect(pressure).toMatchObject({
        quantity: 'map',
        quantity_source: 'override',
        display_name: 'Boost',
        confidence: 1,
      });
      expect(channels.find((channel) => channel.name === 'Humidity')).toMatchObject({ hidden: true, quantity: null });
      expect(channels.find((channel) => channel.name === 'Temperature 1')).toMatchObject({
        quantity: null,
        quantity_source: 'override',
      });
      const discover = (await call(target, '/api/jetdrive/hardware/channels/discover')).body.channels as Record<
        string,
        unknown
      >[];
      expect(discover.some((channel) => channel.channel_name === 'Humidity')).toBe(false);
      expect(discover.find((channel) => channel.channel_name === 'Pressure')!.suggested_config).toMatchObject({
        label: 'Boost',
        units: 'kPa',
      });
    };
    await check(hub);

    const file = JSON.parse(await readFile(join(dataDir, 'channel-mapping.json'), 'utf8')) as {
      providers: Record<string, unknown>;
    };
    expect(Object.keys(file.providers)).toEqual([ATMO_PROVIDER]);

    // Restart: new store, new app, new host ids — the overrides are keyed by names.
    await closeServer(started.pop()!.server);
    const restarted = await startHub({ dataDir });
    await check(restarted);
    const get = await call(restarted, path);
    expect(get.status).toBe(200);
    expect(get.body).toMatchObject({ provider: ATMO_PROVIDER, online: true });
    const pressure = (get.body.channels as Record<string, unknown>[]).find(
      (channel) => channel.channel_name === 'Pressure',
    )!;
    expect(pressure).toMatchObject({ source: 'override', quantity: 'map', suggestion: { quantity: 'baro' } });
  });

  it('PUT validation names the failing field; unknown providers are 404 on GET', async () => {
    const hub = await startHub();
    const path = `/api/jetdrive/mapping/${encodeURIComponent(DYNO_PROVIDER)}`;
    const bad = await call(hub, path, json('PUT', { channels: { MAP: { quantity: 'boost_pressure' } } }));
    expect(bad.status).toBe(400);
    const error = expectError(bad.body, 'VALIDATION_FAILED');
    expect(error.message).toMatch(/^body\.channels\.MAP\.quantity: /);
    expect(error.details).toMatchObject({ issues: [{ field: 'body.channels.MAP.quantity' }] });

    const extra = await call(hub, path, json('PUT', { channels: { MAP: { colour: 'red' } } }));
    expect(extra.status).toBe(400);
    expect(expectError(extra.body, 'VALIDATION_FAILED').message).toMatch(/body\.channels\.MAP/);

    // Provider names may contain "/" (URL-encoded) and may be offline when configured.
    const slashed = await call(
      hub,
      '/api/jetdrive/mapping/Probe%2FA',
      json('PUT', { channels: { Pressure: { quantity: 'baro' } } }),
    );
    expect(slashed.status).toBe(200);
    expect((await call(hub, '/api/jetdrive/mapping/Probe%2FA')).body).toMatchObject({
      provider: 'Probe/A',
      online: false,
    });

    const missing = await call(hub, '/api/jetdrive/mapping/Nobody');
    expect(missing.status).toBe(404);
    expectError(missing.body, 'PROVIDER_NOT_FOUND');
  });

  it('DELETE removes one channel override, then the provider, then answers 404', async () => {
    const hub = await startHub();
    const path = `/api/jetdrive/mapping/${encodeURIComponent(DYNO_PROVIDER)}`;
    await call(hub, path, json('PUT', { channels: { MAP: { display_name: 'Manifold' }, TPS: { hidden: true } } }));
    const one = await call(hub, `${path}?channel=TPS`, { method: 'DELETE' });
    expect(one.status).toBe(200);
    expect(one.body).toMatchObject({ success: true, status: 'deleted', channel: 'TPS' });
    expect((await call(hub, path)).body.overrides).toEqual({ MAP: { display_name: 'Manifold' } });
    expect((await call(hub, path, { method: 'DELETE' })).status).toBe(200);
    const again = await call(hub, path, { method: 'DELETE' });
    expect(again.status).toBe(404);
    expectError(again.body, 'OVERRIDE_NOT_FOUND');
  });

  it('names from the user are plain keys: provider "__proto__" survives a restart, "toString" is no override', async () => {
    const dataDir = await tempDir();
    const hub = await startHub({ dataDir });
    const path = '/api/jetdrive/mapping/__proto__';
    const put = await call(hub, path, json('PUT', { channels: { MAP: { unit: 7 } } }));
    expect(put.status).toBe(200);
    const missing = await call(hub, `${path}?channel=toString`, { method: 'DELETE' });
    expect(missing.status).toBe(404);
    expectError(missing.body, 'OVERRIDE_NOT_FOUND');
    // The body parser refuses a "__proto__" key outright (the store keeps one as a plain name: mapping-store tests).
    const proto = await call(hub, path, { ...json('PUT', {}), body: '{"channels": {"__proto__": {"hidden": true}}}' });
    expect(proto.status).toBe(400);

    const restarted = await startHub({ dataDir });
    const view = await call(restarted, path);
    expect(view.status).toBe(200);
    expect(view.body.overrides).toEqual({ MAP: { unit: 7 } });
    const dyno = `/api/jetdrive/mapping/${encodeURIComponent(DYNO_PROVIDER)}`;
    expect((await call(restarted, `${dyno}?channel=toString`, { method: 'DELETE' })).status).toBe(404);
  });

  it('a corrupt mapping file does not stop start-up: it is moved aside, reported, and never overwritten', async () => {
    const dataDir = await tempDir();
    const garbage = '{"version":1,"providers":{"Simulated Dyno":{"MAP":{"quantity":';
    await writeFile(join(dataDir, 'channel-mapping.json'), garbage);
    const hub = await startHub({ dataDir });
    const status = await call(hub, '/api/jetdrive/status');
    expect(status.status).toBe(200);
    const corrupt = (status.body.mapping as { corrupt: { moved_to: string; error: string } }).corrupt;
    expect(corrupt.moved_to).toMatch(/channel-mapping\.json\.corrupt-/);
    expect(await readFile(corrupt.moved_to, 'utf8')).toBe(garbage);

    const put = await call(
      hub,
      `/api/jetdrive/mapping/${encodeURIComponent(DYNO_PROVIDER)}`,
      json('PUT', { channels: { MAP: { hidden: true } } }),
    );
    expect(put.status).toBe(200);
    expect(await readFile(corrupt.moved_to, 'utf8')).toBe(garbage);
    const files = (await readdir(dataDir)).sort();
    expect(files).toHaveLength(2);
    expect(files[0]).toBe('channel-mapping.json');
  });

  it('GET /api/jetdrive/mapping lists providers, the vocabulary and the store state', async () => {
    const hub = await startHub();
    const { status, body } = await call(hub, '/api/jetdrive/mapping');
    expect(status).toBe(200);
    expect(body.quantities).toEqual(expect.arrayContaining(['rpm', 'baro', 'correction_factor']));
    expect((body.providers as { name: string }[]).map((provider) => provider.name)).toEqual([
      ATMO_PROVIDER,
      DYNO_PROVIDER,
    ]);
  });
});

describe('mapping: every form the API prints', () => {
  const spec = (name: string) => SIMULATOR_CHANNELS.find((c) => c.provider === DYNO_PROVIDER && c.name === name)!;

  it('takes the provider by host id (hex or decimal) and each channel by name, display name, id, hex id or key', async () => {
    const hub = await startHub();
    const map = spec('MAP');
    const tps = spec('TPS');
    const rpm = spec('Digital RPM 1');
    const power = spec('Power');
    const key = hub.registry.keyOf(DYNO_PROVIDER, 'Torque');
    // The forms as the API prints them: provider_id_hex, and a channel's id, key and "Provider/Channel".
    const listed = (await call(hub, '/api/jetdrive/channels')).body.channels as {
      name: string;
      key: string;
      provider_id_hex: string;
    }[];
    expect(listed.find((c) => c.name === 'Torque')).toMatchObject({ key, provider_id_hex: '0x43FD' });
    const byHex = (await call(hub, '/api/jetdrive/channels?provider=0x43FD')).body.channels as { provider: string }[];
    expect(byHex.length).toBe(SIMULATOR_CHANNELS.filter((c) => c.provider === DYNO_PROVIDER).length);
    expect(new Set(byHex.map((c) => c.provider))).toEqual(new Set([DYNO_PROVIDER]));
    const put = await call(
      hub,
      '/api/jetdrive/mapping/0x43fd',
      json('PUT', {
        channels: {
          [String(map.id)]: { hidden: true },
          [`0x${tps.id.toString(16)}`]: { display_name: 'Throttle' },
          [key]: { unit: 'N·m' },
          [`${DYNO_PROVIDER}/${rpm.name}`]: { quantity: 'rpm' },
          [power.name]: { unit: 'kw' },
        },
      }),
    );
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    expect(put.body).toMatchObject({
      provider: DYNO_PROVIDER,
      resolved_channels: {
        [String(map.id)]: 'MAP',
        [`0x${tps.id.toString(16)}`]: 'TPS',
        [key]: 'Torque',
        [`${DYNO_PROVIDER}/${rpm.name}`]: 'Digital RPM 1',
        Power: 'Power',
      },
      unverified_channels: [],
      overrides: {
        MAP: { hidden: true },
        TPS: { display_name: 'Throttle' },
        Torque: { unit: 5 },
        'Digital RPM 1': { quantity: 'rpm' },
        Power: { unit: 4 },
      },
    });
    // The display name it now prints is a form too, and so is the decimal provider id.
    const byDisplay = await call(hub, `/api/jetdrive/mapping/${0x43fd}?channel=Throttle`, { method: 'DELETE' });
    expect(byDisplay.status, JSON.stringify(byDisplay.body)).toBe(200);
    expect(byDisplay.body).toMatchObject({ provider: DYNO_PROVIDER, channel: 'TPS' });
    const view = await call(hub, '/api/jetdrive/mapping/0x43FD');
    expect(view.body).toMatchObject({ provider: DYNO_PROVIDER, provider_ids: ['0x43FD'] });
    expect(Object.keys(view.body.overrides as object).sort()).toEqual(['Digital RPM 1', 'MAP', 'Power', 'Torque']);
  });

  it('refuses a channel the provider does not have, naming it; flags names for a provider not on the network', async () => {
    const hub = await startHub();
    const path = `/api/jetdrive/mapping/${encodeURIComponent(DYNO_PROVIDER)}`;
    for (const ref of ['Boost', '0x7777', '999', '17405:999']) {
      const bad = await call(hub, path, json('PUT', { channels: { [ref]: { hidden: true } } }));
      expect(bad.status, ref).toBe(404);
      const error = expectError(bad.body, 'CHANNEL_NOT_FOUND');
      expect(error.message, ref).toContain(`no channel "${ref}"`);
      expect(error.message).toMatch(/its channels: Digital RPM 1, /);
    }
    const deleteMissing = await call(hub, `${path}?channel=0x7777`, { method: 'DELETE' });
    expect(deleteMissing.status).toBe(404);
    expectError(deleteMissing.body, 'CHANNEL_NOT_FOUND');
    // Nothing was stored by the refused requests.
    expect((await call(hub, path)).body.overrides).toEqual({});

    // A provider nobody has seen yet: names are kept (and flagged), ids cannot be resolved, unknown host ids refused.
    const offline = await call(
      hub,
      '/api/jetdrive/mapping/Probe%20B',
      json('PUT', { channels: { Pressure: { quantity: 'baro' } } }),
    );
    expect(offline.status).toBe(200);
    expect(offline.body).toMatchObject({ provider: 'Probe B', online: false, unverified_channels: ['Pressure'] });
    const offlineId = await call(
      hub,
      '/api/jetdrive/mapping/Probe%20B',
      json('PUT', { channels: { '0x23': { hidden: true } } }),
    );
    expect(offlineId.status).toBe(404);
    expect(expectError(offlineId.body, 'CHANNEL_NOT_FOUND').message).toMatch(/use the channel name/);
    const noHost = await call(
      hub,
      '/api/jetdrive/mapping/0x1234',
      json('PUT', { channels: { MAP: { hidden: true } } }),
    );
    expect(noHost.status).toBe(404);
    expect(expectError(noHost.body, 'PROVIDER_NOT_FOUND').message).toMatch(
      /^params\.provider: no provider has host id 0x1234.*Simulated Dyno \(0x43FD\)/,
    );
  });

  it('unit: the byte, or the label or name the API prints; a display unit or an unknown name says what to use', async () => {
    const hub = await startHub();
    const path = `/api/jetdrive/mapping/${encodeURIComponent(DYNO_PROVIDER)}`;
    const printed = (await call(hub, '/api/jetdrive/channels')).body.channels as {
      name: string;
      unit: { byte: number; label: string; name: string };
    }[];
    const mapUnit = printed.find((c) => c.name === 'MAP')!.unit;
    for (const unit of [mapUnit.byte, mapUnit.label, mapUnit.name, mapUnit.name.toUpperCase()]) {
      const put = await call(hub, path, json('PUT', { channels: { MAP: { unit } } }));
      expect(put.status, String(unit)).toBe(200);
      expect(put.body.overrides, String(unit)).toEqual({ MAP: { unit: mapUnit.byte } });
    }
    const hp = await call(hub, path, json('PUT', { channels: { Power: { unit: 'hp' } } }));
    expect(hp.status).toBe(400);
    expect(expectError(hp.body, 'VALIDATION_FAILED').message).toMatch(
      /^body\.channels\.Power\.unit: "hp" is a display unit; .*use "kW"/,
    );
    const unknown = await call(hub, path, json('PUT', { channels: { Power: { unit: 'furlongs' } } }));
    expect(expectError(unknown.body, 'VALIDATION_FAILED').message).toMatch(
      /^body\.channels\.Power\.unit: unknown unit "furlongs"; use a JetDrive unit byte/,
    );
    const big = await call(hub, path, json('PUT', { channels: { Power: { unit: 256 } } }));
    expect(expectError(big.body, 'VALIDATION_FAILED').message).toBe('body.channels.Power.unit: must be <= 255');
  });
});

describe('numbers: the first message names the real limit', () => {
  it.each([
    [
      'a unit byte far beyond the safe integers',
      { channels: { MAP: { unit: 1e20 } } },
      'body.channels.MAP.unit: must be <= 255',
    ],
    ['a negative one', { channels: { MAP: { unit: -1e20 } } }, 'body.channels.MAP.unit: must be >= 0'],
  ])('mapping PUT: %s', async (_what, body, message) => {
    const hub = await startHub();
    const response = await call(hub, `/api/jetdrive/mapping/${encodeURIComponent(DYNO_PROVIDER)}`, json('PUT', body));
    expect(response.status).toBe(400);
    expect(expectError(response.body, 'VALIDATION_FAILED').message).toBe(message);
  });

  it('query numbers too: discover ?samples', async () => {
    const hub = await startHub();
    for (const samples of ['501', '1e20', '99999999999999999999']) {
      const response = await call(hub, `/api/jetdrive/hardware/channels/discover?samples=${samples}`);
      expect(expectError(response.body, 'VALIDATION_FAILED').message, samples).toBe('query.samples: must be <= 500');
    }
    const fraction = await call(hub, '/api/jetdrive/hardware/channels/discover?samples=2.5');
    expect(expectError(fraction.body, 'VALIDATION_FAILED').message).toBe('query.samples: must be a whole number');
  });
});

describe('errors', () => {
  it('unknown routes are 404 JSON, wrong methods 405 JSON with Allow', async () => {
    const hub = await startHub();
    const missing = await call(hub, '/api/jetdrive/nope');
    expect(missing.status).toBe(404);
    expectError(missing.body, 'NOT_FOUND');
    const wrong = await call(hub, '/api/jetdrive/status', { method: 'DELETE' });
    expect(wrong.status).toBe(405);
    expectError(wrong.body, 'METHOD_NOT_ALLOWED');
    expect(wrong.headers.get('allow')).toMatch(/GET/);
  });

  it('a body over the limit is 413 JSON; broken JSON is 400; a non-JSON body is 415', async () => {
    const hub = await startHub();
    const path = `/api/jetdrive/mapping/${encodeURIComponent(DYNO_PROVIDER)}`;
    const big = await call(
      hub,
      path,
      json('PUT', { channels: { MAP: { display_name: 'x'.repeat(10) } }, pad: 'y'.repeat(8000) }),
    );
    expect(big.status).toBe(413);
    expect(expectError(big.body, 'PAYLOAD_TOO_LARGE').message).toMatch(/4096/);
    const broken = await call(hub, path, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: '{"channels":',
    });
    expect(broken.status).toBe(400);
    expectError(broken.body, 'INVALID_JSON');
    const text = await call(hub, path, { method: 'PUT', headers: { 'content-type': 'text/plain' }, body: 'hello' });
    expect(text.status).toBe(415);
    expectError(text.body, 'UNSUPPORTED_MEDIA_TYPE');
  });

  it("requests Node's parser refuses (a bad request line, oversized headers) are answered in the one shape too", async () => {
    const hub = await startHub();
    const { port } = hub.server.address() as { port: number };
    const send = (raw: string) =>
      new Promise<string>((resolve, reject) => {
        const socket = connect(port, '127.0.0.1', () => socket.end(raw));
        let text = '';
        socket.setEncoding('utf8');
        socket.on('data', (chunk: string) => {
          text += chunk;
        });
        socket.on('end', () => resolve(text));
        socket.on('error', reject);
      });
    const garbage = await send('GARBAGE / HTTP/1.1\r\n\r\n');
    expect(garbage).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
    expect(JSON.parse(garbage.slice(garbage.indexOf('\r\n\r\n') + 4))).toMatchObject({
      success: false,
      error: { code: 'BAD_REQUEST', message: expect.stringMatching(/^malformed HTTP request/) },
    });
    const huge = await send(`GET /health HTTP/1.1\r\nHost: x\r\nX-Pad: ${'y'.repeat(20_000)}\r\n\r\n`);
    expect(huge).toMatch(/^HTTP\/1\.1 431 /);
    expect(JSON.parse(huge.slice(huge.indexOf('\r\n\r\n') + 4))).toMatchObject({
      success: false,
      error: { code: 'HEADERS_TOO_LARGE' },
    });
    const metrics = await (await fetch(`${hub.base}/metrics`)).text();
    expect(metrics).toMatch(/jetdrive_http_errors_total\{code="BAD_REQUEST"\} 1/);
  });

  it('an exception inside a route is 500 JSON without a stack trace', async () => {
    const hub = await startHub();
    hub.registry.providers = () => {
      throw new Error('secret internals at /work/main/server/x.ts:12');
    };
    const { status, body } = await call(hub, '/api/jetdrive/providers');
    expect(status).toBe(500);
    expect(expectError(body, 'INTERNAL_ERROR').message).toBe('internal server error');
    expect(JSON.stringify(body)).not.toMatch(/secret|x\.ts/);
  });
});

describe('cors', () => {
  it('lets any origin read by default (not control), and listed origins do everything', async () => {
    const open = await startHub();
    const preflight = await fetch(`${open.base}/api/jetdrive/status`, {
      method: 'OPTIONS',
      headers: { origin: 'http://localhost:5173', 'access-control-request-method': 'GET' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('*');
    const control = await fetch(`${open.base}/api/jetdrive/simulator/start`, {
      method: 'OPTIONS',
      headers: { origin: 'http://localhost:5173', 'access-control-request-method': 'POST' },
    });
    expect(control.headers.get('access-control-allow-methods')).toBe('GET,HEAD');

    const listed = await startHub({ extra: { options: { corsOrigins: ['http://dash.local'] } } });
    const allowed = await fetch(`${listed.base}/api/jetdrive/status`, { headers: { origin: 'http://dash.local' } });
    expect(allowed.headers.get('access-control-allow-origin')).toBe('http://dash.local');
    const listedControl = await fetch(`${listed.base}/api/jetdrive/simulator/start`, {
      method: 'OPTIONS',
      headers: { origin: 'http://dash.local', 'access-control-request-method': 'POST' },
    });
    expect(listedControl.headers.get('access-control-allow-methods')).toMatch(/POST/);
    const other = await fetch(`${listed.base}/api/jetdrive/status`, { headers: { origin: 'http://evil.example' } });
    expect(other.status).toBe(200);
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('simulator routes', () => {
  it('status, profiles, start, pull and stop, shaped like the older system', async () => {
    const hub = await startHub();
    expect((await call(hub, '/api/jetdrive/simulator/status')).body).toMatchObject({
      available: true,
      active: false,
      state: 'stopped',
    });
    const profiles = await call(hub, '/api/jetdrive/simulator/profiles');
    expect((profiles.body.profiles as { id: string }[])[0]).toMatchObject({
      id: 'm8_114',
      max_hp: 110,
      hp_peak_rpm: 5000,
    });

    const early = await call(hub, '/api/jetdrive/simulator/pull', { method: 'POST' });
    expect(early.status).toBe(400);
    expectError(early.body, 'SIM_NOT_RUNNING');

    const start = await call(
      hub,
      '/api/jetdrive/simulator/start',
      json('POST', { profile: 'm8_114', auto_pull: false, virtual_ecu: { scenario: 'lean' } }),
    );
    expect(start.status).toBe(200);
    expect(start.body).toMatchObject({
      success: true,
      status: 'started',
      virtual_ecu_enabled: true,
      auto_pull: false,
      profile: { max_hp: 110 },
    });
    const twice = await call(hub, '/api/jetdrive/simulator/start', { method: 'POST' });
    expect(twice.status).toBe(409);
    expectError(twice.body, 'SIM_ALREADY_RUNNING');

    const pull = await call(hub, '/api/jetdrive/simulator/pull', { method: 'POST' });
    expect(pull.body).toEqual({ success: true, status: 'pull_started', state: 'pull' });
    const busy = await call(hub, '/api/jetdrive/simulator/pull', { method: 'POST' });
    expect(busy.status).toBe(400);
    expectError(busy.body, 'SIM_NOT_IDLE');

    expect((await call(hub, '/api/jetdrive/simulator/stop', { method: 'POST' })).body).toEqual({
      success: true,
      status: 'stopped',
    });
    expect((await call(hub, '/api/jetdrive/simulator/status')).body).toMatchObject({ active: false });
  });

  it('start validates its body naming the field', async () => {
    const hub = await startHub();
    const bad = await call(hub, '/api/jetdrive/simulator/start', json('POST', { profile: 'hayabusa' }));
    expect(bad.status).toBe(400);
    expect(expectError(bad.body, 'VALIDATION_FAILED').message).toMatch(/^body\.profile: /);
    const nested = await call(
      hub,
      '/api/jetdrive/simulator/start',
      json('POST', { virtual_ecu: { ve_error_pct: 90 } }),
    );
    expect(nested.status).toBe(400);
    expect(expectError(nested.body, 'VALIDATION_FAILED').message).toMatch(/^body\.virtual_ecu\.ve_error_pct: /);
  });

  it('without a simulator: status says unavailable and control actions are 409', async () => {
    const hub = await startHub({ simulator: null });
    expect((await call(hub, '/api/jetdrive/simulator/status')).body).toEqual({
      success: true,
      available: false,
      active: false,
      state: 'stopped',
    });
    const start = await call(hub, '/api/jetdrive/simulator/start', { method: 'POST' });
    expect(start.status).toBe(409);
    expectError(start.body, 'SIM_UNAVAILABLE');
  });
});

describe('metrics', () => {
  let text = '';
  let contentType = '';

  beforeAll(async () => {
    const hub = await startHub();
    const response = await fetch(`${hub.base}/metrics`);
    contentType = response.headers.get('content-type') ?? '';
    text = await response.text();
  });

  /**
   * Minimal Prometheus text-format parser: every line is a comment, blank, or `name{labels} value`, and every sample
   * belongs to a declared family. Float parsing follows Go's ParseFloat (case-insensitive NaN, as prom-client prints).
   */
  function parse(body: string): Map<string, number> {
    const samples = new Map<string, number>();
    const declared = new Set<string>();
    for (const line of body.split('\n')) {
      if (line === '') continue;
      const meta = /^# (HELP|TYPE) ([a-zA-Z_:][a-zA-Z0-9_:]*) (.*)$/.exec(line);
      if (meta) {
        if (meta[1] === 'TYPE') {
          expect(['counter', 'gauge', 'histogram', 'summary', 'untyped']).toContain(meta[3]);
          declared.add(meta[2]);
        }
        continue;
      }
      const sample =
        /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?:[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\]|\\.)*",?)*\})? (-?[0-9.e+-]+|[Nn][Aa][Nn]|[+-]Inf)$/i.exec(
          line,
        );
      expect(sample, `not Prometheus text: ${line}`).not.toBeNull();
      const [, name, labels = '', value] = sample!;
      const family = name.replace(/_(bucket|sum|count|total|created)$/, '');
      expect(declared.has(name) || declared.has(family) || declared.has(`${family}_total`), `undeclared ${name}`).toBe(
        true,
      );
      samples.set(`${name}${labels}`, Number(value));
    }
    return samples;
  }

  it('parse as Prometheus text and carry ingest, gateway, session and process figures', () => {
    expect(contentType).toMatch(/^text\/plain/);
    const samples = parse(text);
    expect(samples.get('jetdrive_datagrams_total')).toBe(1234);
    expect(samples.get('jetdrive_malformed_total{code="TOO_SHORT"}')).toBe(3);
    expect(samples.get('jetdrive_sequence_dropped_total{provider="0x43FD"}')).toBe(7);
    expect(samples.get('jetdrive_samples_total')).toBeGreaterThan(0);
    expect(samples.get('jetdrive_realtime_viewers')).toBe(3);
    expect(samples.get('jetdrive_realtime_subscriptions')).toBe(11);
    expect(samples.get('jetdrive_realtime_conflated_frames_total')).toBe(42);
    expect(samples.get('jetdrive_realtime_dropped_frames_total')).toBe(5);
    expect(samples.get('jetdrive_sessions{status="running"}')).toBe(2);
    expect(samples.get('jetdrive_providers{state="online"}')).toBe(2);
    expect(samples.get(`jetdrive_channels{state="mapped"}`)).toBe(SIMULATOR_CHANNELS.length);
    expect(samples.has('nodejs_eventloop_lag_seconds')).toBe(true);
    expect(samples.get('nodejs_heap_size_used_bytes')).toBeGreaterThan(0);
  });
});
