import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type Koa from 'koa';
import { createLogger } from '../log.js';
import { CLOSE_GRACE_MS } from '../shared/index.js';
import { answerClientError, ERROR_COUNTS_OF_APP } from './answer-client-error.js';
import { DEFAULT_HTTP_HOST, DEFAULT_HTTP_PORT } from './http-options.js';

const log = createLogger('http');

export interface ListenOptions {
  host?: string;
  /** 0 picks a free port (tests). */
  port?: number;
}

/** A plain http.Server around the Koa app; Socket.IO attaches to the same server so both share one port. */
export function createHttpServer(app: Koa): Server {
  const server = createServer(app.callback());
  // Bounded: a client that opens a connection and sends nothing is dropped instead of holding a socket forever.
  server.headersTimeout = 20_000;
  server.requestTimeout = 60_000;
  server.on('clientError', answerClientError(ERROR_COUNTS_OF_APP.get(app) ?? {}));
  return server;
}

/** Starts listening; resolves once bound (rejects on EADDRINUSE and the like). */
export function listen(server: Server, options: ListenOptions = {}): Promise<AddressInfo> {
  const host = options.host ?? DEFAULT_HTTP_HOST;
  const port = options.port ?? DEFAULT_HTTP_PORT;
  return new Promise((resolve, reject) => {
    const onError = (error: Error) => {
      server.off('listening', onListening);
      reject(error);
    };
    const onListening = () => {
      server.off('error', onError);
      const address = server.address() as AddressInfo;
      // The hub says it once for the user, with its URL and source; this is the socket's side of it.
      log.debug({ host: address.address, port: address.port }, 'HTTP listening');
      resolve(address);
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, host);
  });
}

/** Closes the server, ending idle keep-alive connections so shutdown does not wait for them. */
/**
 * Stops accepting, closes idle keep-alive connections, and cuts the rest after CLOSE_GRACE_MS: one request that
 * never ends (a stuck handler, a slow download) must not keep a stopping hub alive.
 */
export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    const cut = setTimeout(() => server.closeAllConnections(), CLOSE_GRACE_MS);
    cut.unref();
    server.close((error) => {
      clearTimeout(cut);
      if (error) reject(error);
      else resolve();
    });
    server.closeIdleConnections();
  });
}
