import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { io, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, Result, ServerToClientEvents } from '@jetdrive-hub/client/contract';
import { configSchema, type HubConfig } from '../../server/config.js';
import { createHub, type Hub, type HubOverrides } from '../../server/hub.js';
import { freeUdpPort } from './udp.js';

// A whole hub (ingest, simulator, HTTP, Socket.IO) on loopback with port 0, a fresh data directory and a known
// operator token, for the authorization and hardening tests.

export const HUB_OPERATOR = 'hub-operator-token-0123456789';
export const HUB_VIEWER = 'hub-viewer-token-0123456789';

export interface TestHub {
  hub: Hub;
  url: string;
  jetdrivePort: number;
  dataDir: string;
  close(): Promise<void>;
}

export async function startTestHub(
  config: Partial<HubConfig> = {},
  overrides: HubOverrides = { dashboard: false },
): Promise<TestHub> {
  const { dataDir, jetdrivePort, ...rest } = await testHubConfig(config);
  const hub = createHub(configSchema.parse({ dataDir, jetdrivePort, ...rest }), overrides);
  const { url } = await hub.start();
  return {
    hub,
    url,
    jetdrivePort,
    dataDir,
    async close() {
      await hub.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** A test hub's config (not yet parsed): loopback, port 0, a fresh data directory and UDP port, the known token. */
export async function testHubConfig(
  config: Partial<HubConfig> = {},
): Promise<Partial<HubConfig> & { dataDir: string; jetdrivePort: number; logLevel: HubConfig['logLevel'] }> {
  return {
    host: '127.0.0.1',
    port: 0,
    jetdrivePort: await freeUdpPort(),
    interfaces: ['127.0.0.1'],
    dataDir: await mkdtemp(join(tmpdir(), 'jd-hub-')),
    simAutoPull: false,
    operatorToken: HUB_OPERATOR,
    logLevel: 'silent',
    ...config,
  };
}

export type TestSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/**
 * Connects (websocket only, no reconnection); resolves once connected, rejects with the connect_error.
 * `localAddress` (any 127.x.y.z: Linux routes all of 127/8 to loopback) plays a client on another machine.
 */
export async function connectViewer(
  url: string,
  token?: string,
  options: { localAddress?: string } = {},
): Promise<TestSocket> {
  const socket: TestSocket = io(url, {
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    auth: token === undefined ? {} : { token },
    ...(options.localAddress === undefined ? {} : { localAddress: options.localAddress }),
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', (err) => {
      socket.close();
      reject(err);
    });
  });
  return socket;
}

/** Emits a command with an ack and resolves with the ack's result (raw emit: tests send what they like). */
export function command(socket: TestSocket, event: string, ...args: unknown[]): Promise<Result<unknown>> {
  const raw = socket as unknown as { emit(event: string, ...args: unknown[]): void };
  return new Promise((resolve) => raw.emit(event, ...args, (result: Result<unknown>) => resolve(result)));
}
