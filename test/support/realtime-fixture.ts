import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { io, type Socket } from 'socket.io-client';
import * as msgpackParser from 'socket.io-msgpack-parser';
import type {
  ClientToServerEvents,
  Hello,
  Result,
  ServerToClientEvents,
  SubscribeRequest,
  SubscribeResult,
} from '@jetdrive-hub/client/contract';
import type { ChannelRegistry, QuantityResolver } from '../../server/channels/types.js';
import { createRealtimeGateway, type RealtimeGateway, type RealtimeOptions } from '../../server/realtime/index.js';

export type TestClient = Socket<ServerToClientEvents, ClientToServerEvents>;

export interface GatewayFixture {
  url: string;
  gateway: RealtimeGateway;
  httpServer: Server;
  connect(options?: { parser?: 'json' | 'msgpack' }): Promise<TestClient>;
  /** The hello the client got on connect (listened for before the socket opened). */
  hello(client: TestClient): Promise<Hello>;
  close(): Promise<void>;
}

/** A gateway on 127.0.0.1:0; close() disconnects every client it handed out, then the server. */
export async function startGateway(
  registry: ChannelRegistry,
  options: Partial<RealtimeOptions> = {},
  quantities?: QuantityResolver,
): Promise<GatewayFixture> {
  const httpServer = createServer();
  const gateway = createRealtimeGateway({
    httpServer,
    registry,
    quantities,
    source: 'simulated',
    serverVersion: '0.0.0-test',
    options,
  });
  await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(httpServer.address() as AddressInfo).port}`;
  const clients = new Set<TestClient>();
  const hellos = new WeakMap<TestClient, Promise<Hello>>();
  return {
    url,
    gateway,
    httpServer,
    async connect(connectOptions = {}) {
      const parser = connectOptions.parser ?? options.parser;
      const client: TestClient = io(url, {
        transports: ['websocket'],
        reconnection: false,
        forceNew: true,
        ...(parser === 'msgpack' ? { parser: msgpackParser } : {}),
      });
      clients.add(client);
      hellos.set(client, new Promise((resolve) => client.once('hello', resolve)));
      await new Promise<void>((resolve, reject) => {
        client.once('connect', () => resolve());
        client.once('connect_error', reject);
      });
      return client;
    },
    hello(client) {
      const hello = hellos.get(client);
      if (!hello) throw new Error('client was not created by this fixture');
      return hello;
    },
    async close() {
      for (const client of clients) client.disconnect();
      await gateway.close();
    },
  };
}

export function subscribe(client: TestClient, request: SubscribeRequest): Promise<Result<SubscribeResult>> {
  return new Promise((resolve) => client.emit('channel:subscribe', request, resolve));
}

export async function subscribeOk(client: TestClient, request: SubscribeRequest): Promise<SubscribeResult> {
  const result = await subscribe(client, request);
  if (!result.ok) throw new Error(`subscribe failed: ${result.error.code} ${result.error.message}`);
  return result.data;
}
