import { mkdtemp, rm } from 'node:fs/promises';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Middleware } from 'koa';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Role } from '../../server/http/authorize.js';
import { closeServer, createHttpApp, createHttpServer, listen } from '../../server/http/index.js';
import { createChannelMapping, createMappingStore } from '../../server/mapping/index.js';
import type { SimulatedDynoController } from '../../server/sim/types.js';
import {
  createFakeChannelRegistry,
  DYNO_PROVIDER,
  populateSimulatorChannels,
} from '../support/fake-channel-registry.js';

// Control actions must pass through the single authorization check. With the check denying the operator role, every
// control route answers 403 and does nothing, while read-only routes keep working.

vi.mock('../../server/http/authorize.js', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../../server/http/authorize.js')>();
  return {
    ...actual,
    authorize: (role: Role): Middleware =>
      role === 'operator'
        ? async (ctx) => {
            ctx.status = 403;
            ctx.body = { success: false, error: { code: 'FORBIDDEN', message: 'operator role required' } };
          }
        : actual.authorize(role),
  };
});

let server: Server;
let base = '';
let dataDir = '';
const calls: string[] = [];

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'jetdrive-auth-'));
  const registry = createFakeChannelRegistry();
  populateSimulatorChannels(registry, { samples: 10 });
  const mapping = createChannelMapping({ registry, store: await createMappingStore({ dataDir }) });
  const simulator: SimulatedDynoController = {
    start: async () => {
      calls.push('start');
      throw new Error('must not be reached');
    },
    stop: async () => {
      calls.push('stop');
    },
    pull: () => {
      calls.push('pull');
      return { ok: true, state: 'pull' };
    },
    status: () => ({ active: false, state: 'stopped', profile: null, current: null, providers: [], pulls: 0 }),
    profiles: () => [],
  };
  const { app } = createHttpApp({ registry, mapping, simulator });
  server = createHttpServer(app);
  const address = await listen(server, { host: '127.0.0.1', port: 0 });
  base = `http://127.0.0.1:${address.port}`;
});

afterAll(async () => {
  await closeServer(server);
  await rm(dataDir, { recursive: true, force: true });
});

describe('authorization of control routes', () => {
  const provider = encodeURIComponent(DYNO_PROVIDER);
  it.each([
    ['PUT', `/api/jetdrive/mapping/${provider}`, { channels: { MAP: { hidden: true } } }],
    ['DELETE', `/api/jetdrive/mapping/${provider}`, undefined],
    ['POST', '/api/jetdrive/simulator/start', {}],
    ['POST', '/api/jetdrive/simulator/stop', undefined],
    ['POST', '/api/jetdrive/simulator/pull', undefined],
  ])('%s %s is refused with 403', async (method, path, body) => {
    const response = await fetch(base + path, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    expect(response.status).toBe(403);
    expect(await response.json()).toMatchObject({ success: false, error: { code: 'FORBIDDEN' } });
    expect(calls).toEqual([]);
  });

  it('read-only routes stay open', async () => {
    for (const path of [
      '/api/jetdrive/status',
      `/api/jetdrive/mapping/${provider}`,
      '/api/jetdrive/simulator/status',
    ]) {
      expect((await fetch(base + path)).status, path).toBe(200);
    }
    const mapping = (await (await fetch(`${base}/api/jetdrive/mapping/${provider}`)).json()) as { overrides: object };
    expect(mapping.overrides).toEqual({});
  });
});
