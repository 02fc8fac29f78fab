import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { JetDriveSink } from '../../../server/jetdrive/types.js';
import { createRelayedRequestDispatcher } from '../../../server/http/dispatch-relayed-request.js';
import { createReplayRouter } from '../../../server/http/routes/replay-router.js';
import { createReplayManager } from '../../../server/replay/index.js';

const sink: JetDriveSink = {
  providerChanged: () => undefined,
  channelInfo: () => undefined,
  channelsCleared: () => undefined,
  channelValues: () => false,
};

// The ingest node's side of an edge's HTTP relay: a request runs through the routes and the error middleware in
// process, and comes back as the status, type, headers and body this node would have answered.
describe('createRelayedRequestDispatcher', () => {
  it('answers as the app: success, the one error shape with its status and field, 405 with Allow', async () => {
    const replays = createReplayManager(sink, { runsDir: await mkdtemp(join(tmpdir(), 'jd-relay-')) });
    const dispatch = createRelayedRequestDispatcher([createReplayRouter(replays)], 1024 * 1024);
    const ask = (method: string, path: string, body?: unknown, querystring = '') =>
      dispatch({ method, path, querystring, body });

    expect(await ask('GET', '/api/replays')).toEqual({
      status: 200,
      type: 'application/json; charset=utf-8',
      headers: {},
      body: { success: true, replays: [] },
    });
    const missing = await ask('GET', '/api/replays/rp-00000000');
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ success: false, error: { code: 'REPLAY_NOT_FOUND' } });
    const badBody = await ask('POST', '/api/runs/20261130T030000Z-00aa00/replay', { rate: 1, speed: 2 });
    expect(badBody.status).toBe(400);
    expect(badBody.body).toMatchObject({ success: false, error: { code: 'VALIDATION_FAILED', field: 'body.speed' } });
    const noRun = await ask('POST', '/api/runs/20261130T030000Z-00aa00/replay', { rate: 1 });
    expect(noRun.status).toBe(404);
    expect(noRun.body).toMatchObject({ error: { code: 'RUN_NOT_FOUND' } });
    const query = await ask('GET', '/api/replays', undefined, 'verbose=1');
    expect(query.body).toMatchObject({ error: { code: 'VALIDATION_FAILED', field: 'query.verbose' } });
    const wrongMethod = await ask('PUT', '/api/replays');
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.allow).toMatch(/GET/);
    expect(await ask('GET', '/api/nothing-here')).toMatchObject({ status: 404, body: { success: false } });
    replays.dispose();
  });
});
