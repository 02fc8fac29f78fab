import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { closeServer } from '../../server/http/listen.js';
import { CLOSE_GRACE_MS } from '../../server/shared/index.js';

describe('closeServer', () => {
  it('does not wait forever on a request that never ends: its connection is cut after the grace period', async () => {
    let arrived = () => {};
    const inFlight = new Promise<void>((resolve) => {
      arrived = resolve;
    });
    // A handler that never answers (a stuck route).
    const server = createServer(() => arrived());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const client = request({ host: '127.0.0.1', port, path: '/stuck' });
    const clientError = new Promise<string>((resolve) =>
      client.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message)),
    );
    client.end();
    await inFlight;
    const started = Date.now();
    await closeServer(server);
    const took = Date.now() - started;
    expect(took).toBeGreaterThanOrEqual(CLOSE_GRACE_MS - 50);
    expect(await clientError).toBe('ECONNRESET');
  });
});
