import { PROTOCOL_VERSION } from '@jetdrive-hub/client/contract';
import { filter, firstValueFrom } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ConnectionState, connectHub, type Hub, HubError } from '../../client-sdk/src/index.js';
import { freeTcpPort } from '../support/free-tcp-port.js';
import { HUB_VIEWER, startTestHub, type TestHub } from '../support/start-test-hub.js';

// connection$ names why a connection failed (a typed `failure` with a hint) and whenConnected() rejects with a
// HubError of the same code, within moments, against real sockets on 127.0.0.1.

type Failed = Extract<ConnectionState, { state: 'disconnected' }>;

const quiet = { debug: () => {}, warn: () => {} };
const hubs: Hub[] = [];
function open(url: string, options: Parameters<typeof connectHub>[1] = {}): Hub {
  const hub = connectHub(url, { logger: quiet, ...options });
  hubs.push(hub);
  return hub;
}

async function firstFailure(hub: Hub): Promise<Failed> {
  const state = await firstValueFrom(
    hub.connection$.pipe(filter((s): s is Failed => s.state === 'disconnected' && s.failure !== undefined)),
  );
  return state;
}

afterAll(() => {
  for (const hub of hubs) hub.close();
});

describe('SDK connection failures', () => {
  let testHub: TestHub;
  beforeAll(async () => {
    testHub = await startTestHub({ viewerToken: HUB_VIEWER, unitSystem: 'metric' });
  });
  afterAll(async () => {
    await testHub.close();
  });

  it('a stopped hub: UNREACHABLE on connection$ (still retrying) and from whenConnected()', async () => {
    const port = await freeTcpPort();
    const started = Date.now();
    const hub = open(`http://127.0.0.1:${port}`);
    const state = await firstFailure(hub);
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(state.failure).toMatchObject({ code: 'UNREACHABLE', hint: expect.stringContaining('start the hub') });
    expect(state.failure?.message).toContain(`127.0.0.1:${port}`);
    expect(state.willReconnect).toBe(true);
    const error = await hub.whenConnected().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HubError);
    expect(error).toMatchObject({ code: 'UNREACHABLE', failure: { code: 'UNREACHABLE' } });
  });

  it('no token for a hub that needs one: UNAUTHORIZED, not retried, with the hub message', async () => {
    const hub = open(testHub.url);
    const state = await firstFailure(hub);
    expect(state.failure).toMatchObject({ code: 'UNAUTHORIZED', hubCode: 'UNAUTHORIZED' });
    expect(state.failure?.hint).toContain('JETDRIVE_HUB_TOKEN');
    expect(state.reason).toMatch(/^UNAUTHORIZED: unauthorized: .*no token was given/);
    expect(state.willReconnect).toBe(false);
  });

  it('with the viewer token: connected, whenConnected() resolves with the hello', async () => {
    const hub = open(testHub.url, { token: HUB_VIEWER });
    const hello = await hub.whenConnected();
    expect(hello?.protocol).toBe(PROTOCOL_VERSION);
    // The hub says its display units, so SDK clients and the CLI can show what its dashboard shows.
    expect(hello?.units).toBe('metric');
  });

  it('the msgpack parser against a json hub: WRONG_PARSER naming the other parser', async () => {
    const hub = open(testHub.url, { token: HUB_VIEWER, parser: 'msgpack' });
    const state = await firstFailure(hub);
    expect(state.failure).toMatchObject({ code: 'WRONG_PARSER', hint: expect.stringContaining('--parser json') });
  });

  it('https to a plain-HTTP hub: TLS_ERROR saying to use http://', async () => {
    const hub = open(testHub.url.replace('http:', 'https:'), { token: HUB_VIEWER });
    const state = await firstFailure(hub);
    expect(state.failure).toMatchObject({ code: 'TLS_ERROR', hint: expect.stringContaining('http:// URL') });
    // OpenSSL's reason, without its addresses and source paths.
    expect(state.failure?.message).toBe(`TLS error talking to ${new URL(testHub.url).host}: wrong version number`);
  });

  it('a host that does not resolve: HOST_NOT_FOUND', async () => {
    const hub = open('http://no-such-hub.invalid:5001');
    const state = await firstFailure(hub);
    expect(state.failure?.code).toBe('HOST_NOT_FOUND');
  });

  it('a URL that is not a URL throws INVALID_URL at once', () => {
    expect(() => connectHub('not a url')).toThrow(HubError);
    expect(() => connectHub('ftp://127.0.0.1')).toThrow(expect.objectContaining({ code: 'INVALID_URL' }));
  });

  it('closing before it connected: whenConnected() rejects with CLOSED', async () => {
    const hub = open(`http://127.0.0.1:${await freeTcpPort()}`);
    const pending = hub.whenConnected().catch((e: unknown) => e);
    hub.close();
    expect(await pending).toMatchObject({ code: 'CLOSED' });
  });
});
