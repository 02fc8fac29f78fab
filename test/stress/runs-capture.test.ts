import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { RecordingAlert, RunEndedEvent, RunStartedEvent, RunSummary } from '@jetdrive-hub/client/contract';
import { McapWriter } from '@mcap/core';
import { afterEach, describe, expect, it } from 'vitest';
import { decodeFrame } from '../../server/protocol/index.js';
import type { Datagram } from '../../server/transport/types.js';
import { readRunFileIndependently } from '../support/runs-file-reader.js';
import { createSwitchableFullDisk } from '../support/runs-file-system.js';
import {
  command,
  connectViewer,
  HUB_OPERATOR,
  startTestHub,
  type TestHub,
  type TestSocket,
} from '../support/start-test-hub.js';
import { until } from '../support/until.js';

// A whole hub with the simulated dyno: a pull is detected, recorded with its pre-roll and post-roll, saved as an
// MCAP file that an independent reader (@mcap/core directly) reads back byte for byte.

const PRE_ROLL_S = 1.5;
const POST_ROLL_S = 1;

let hub: TestHub | null = null;
let socket: TestSocket | null = null;

afterEach(async () => {
  socket?.close();
  socket = null;
  await hub?.close();
  hub = null;
});

function tpsOf(bytes: Uint8Array): number | null {
  try {
    const f = decodeFrame(bytes);
    if (f.type !== 'ChannelValues') return null;
    return f.samples.find((s) => s.channelId === 12)?.value ?? null;
  } catch {
    return null;
  }
}

describe('run capture on the simulated dyno', () => {
  it('detects a pull, records pre-roll and post-roll, and the file holds exactly the datagrams received', async () => {
    hub = await startTestHub(
      { runPreRollS: PRE_ROLL_S, runPostRollS: POST_ROLL_S, simProfile: 'sportbike_600' },
      { dashboard: false, simulator: { infoIntervalMs: 500, seed: 5 } },
    );
    socket = await connectViewer(hub.url);
    const started: RunStartedEvent[] = [];
    const ended: RunEndedEvent[] = [];
    const changed: RunSummary[][] = [];
    socket.on('run:started', (e) => started.push(e));
    socket.on('run:ended', (e) => ended.push(e));
    socket.on('runs:changed', (e) => changed.push(e));
    const received: Datagram[] = [];
    hub.hub.ingest.onDatagram((d) => received.push({ ...d, bytes: d.bytes.slice() }));

    // Channels known and the black box filled past the pre-roll before the pull.
    await until(() => hub?.hub.ingest.registry.channelCount() ?? 0 > 10, 5000, 'simulator channels');
    await until(
      () => received.length > 0 && Date.now() - received[0].receivedAt > PRE_ROLL_S * 1000 + 500,
      5000,
      'lead-in',
    );
    const pull = hub.hub.simulator?.pull();
    expect(pull?.ok).toBe(true);

    await until(() => started.length === 1, 10_000, 'run:started');
    await until(() => ended.length === 1, 40_000, 'run:ended');
    await until(() => changed.length > 0, 2000, 'runs:changed');
    const run = ended[0].run;
    expect(run.id).toBe(started[0].id);
    expect(run.startReason).toBe('auto');
    expect(run.endReason).toMatch(/throttle_closed|decel/);
    expect(run.profile).toBe('sportbike_600');
    expect(run.peakPower?.value).toBeGreaterThan(50);
    expect(run.peakPower?.rpm).toBeGreaterThan(8000);
    expect(changed.at(-1)?.[0].id).toBe(run.id);

    const file = await readRunFileIndependently(hub.hub.runs.library.fileOf(run.id));
    expect(file.profile).toBe('jetdrive');
    expect(file.library).toMatch(/^jetdrive-hub /);
    expect(file.compression).toEqual(['zstd']);
    expect(file.metadata.length).toBe(2);
    const last = file.metadata.at(-1) as { id: string; datagrams: number; endedAt: number; startedAt: number };
    expect(last.id).toBe(run.id);
    expect(file.messages.every((m) => m.topic === 'jetdrive.klhdv')).toBe(true);

    // Byte-identical, in order, with the receive times: exactly what the hub received in the file's window.
    const first = file.messages[0].logTime;
    const lastTime = file.messages.at(-1)?.logTime ?? 0n;
    // Exact to the ns (ms · 1e6 as a double would round to 256 ns at today's epoch).
    const ns = (ms: number) => BigInt(Math.floor(ms)) * 1_000_000n + BigInt(Math.round((ms - Math.floor(ms)) * 1e6));
    const window = received.filter((d) => ns(d.receivedAt) >= first && ns(d.receivedAt) <= lastTime);
    expect(file.messages.length).toBe(window.length);
    expect(last.datagrams).toBe(window.length);
    for (let i = 0; i < window.length; i++) {
      expect(Buffer.from(file.messages[i].data).equals(Buffer.from(window[i].bytes))).toBe(true);
      expect(file.messages[i].logTime).toBe(ns(window[i].receivedAt));
      expect(file.messages[i].source).toBe(`${window[i].from.address}:${window[i].from.port}`);
      expect(file.messages[i].sequence).toBe(window[i].bytes[5]);
    }

    // Pre-roll: the file starts before the detection by the pre-roll, at idle throttle.
    const firstMs = Number(first / 1_000_000n);
    expect(last.startedAt - firstMs).toBeGreaterThanOrEqual(PRE_ROLL_S * 1000 - 100);
    const firstTps = file.messages.map((m) => tpsOf(m.data)).find((t) => t !== null);
    expect(firstTps).toBeLessThan(5);
    // Post-roll: after the throttle closed (the pull's end) the file goes on for the post-roll.
    const open = file.messages.filter((m) => (tpsOf(m.data) ?? 0) >= 5);
    const closedAt = Number((open.at(-1)?.logTime ?? 0n) / 1_000_000n);
    expect(Number(lastTime / 1_000_000n) - closedAt).toBeGreaterThanOrEqual(POST_ROLL_S * 1000 - 100);
  }, 60_000);

  it('manual start and stop over HTTP (operator only), listed, fetched, renamed, pinned and deleted', async () => {
    hub = await startTestHub({ runAutoRecord: false }, { dashboard: false, simulator: { infoIntervalMs: 500 } });
    const auth = { authorization: `Bearer ${HUB_OPERATOR}` };
    const json = { ...auth, 'content-type': 'application/json' };
    await until(() => hub?.hub.ingest.registry.channelCount() ?? 0 > 10, 5000, 'simulator channels');

    const refused = await fetch(`${hub.url}/api/runs/record/start`, { method: 'POST' });
    expect(refused.status).toBe(401);
    const unknown = await fetch(`${hub.url}/api/runs/record/start`, {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ nme: 'x' }),
    });
    expect(unknown.status).toBe(400);
    expect(((await unknown.json()) as { error: { message: string } }).error.message).toMatch(/nme/);

    const start = await fetch(`${hub.url}/api/runs/record/start`, {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ name: 'Baseline' }),
    });
    expect(start.status).toBe(200);
    expect(((await start.json()) as { state: string }).state).toBe('recording');
    const again = await fetch(`${hub.url}/api/runs/record/start`, { method: 'POST', headers: auth });
    expect(again.status).toBe(409);
    await until(
      async () =>
        ((await (await fetch(`${hub?.url}/api/runs/recording`)).json()) as { state: string }).state === 'recording',
      2000,
    );
    const runId = hub.hub.runs.capture.status().runId;
    await new Promise((r) => setTimeout(r, 1000));
    const stop = await fetch(`${hub.url}/api/runs/record/stop`, { method: 'POST', headers: auth });
    expect(stop.status).toBe(200);
    await until(() => hub?.hub.runs.library.count === 1, 10_000, 'the run saved');

    const list = (await (await fetch(`${hub.url}/api/runs?limit=10`)).json()) as { runs: RunSummary[]; total: number };
    expect(list.total).toBe(1);
    expect(list.runs[0]).toMatchObject({ id: runId, name: 'Baseline', startReason: 'manual', endReason: 'manual' });
    const detail = (await (await fetch(`${hub.url}/api/runs/${runId}`)).json()) as {
      stats: unknown[];
      channels: unknown[];
    };
    expect(detail.stats.length).toBeGreaterThan(10);
    const badQuery = await fetch(`${hub.url}/api/runs?colour=red`);
    expect(badQuery.status).toBe(400);
    expect(((await badQuery.json()) as { error: { message: string } }).error.message).toMatch(/colour/);

    const download = await fetch(`${hub.url}/api/runs/${runId}/file`);
    expect(download.status).toBe(200);
    expect(download.headers.get('content-disposition')).toMatch(/attachment; filename="Baseline .*\.mcap"/);
    const bytes = new Uint8Array(await download.arrayBuffer());
    expect(Buffer.from(bytes.subarray(1, 5)).toString()).toBe('MCAP');

    const patch = await fetch(`${hub.url}/api/runs/${runId}`, {
      method: 'PATCH',
      headers: json,
      body: JSON.stringify({ name: 'Renamed', pinned: true, notes: 'stock' }),
    });
    expect(patch.status).toBe(200);
    expect(await patch.json()).toMatchObject({ name: 'Renamed', pinned: true, notes: 'stock' });
    const badPatch = await fetch(`${hub.url}/api/runs/${runId}`, {
      method: 'PATCH',
      headers: json,
      body: JSON.stringify({ pinned: 'yes', extra: 1 }),
    });
    expect(badPatch.status).toBe(400);
    expect((await fetch(`${hub.url}/api/runs/../etc/passwd`)).status).toBe(404);
    expect((await fetch(`${hub.url}/api/runs/not-a-run-id`)).status).toBe(400);

    const del = await fetch(`${hub.url}/api/runs/${runId}`, { method: 'DELETE', headers: auth });
    expect(del.status).toBe(200);
    expect((await fetch(`${hub.url}/api/runs/${runId}`)).status).toBe(404);
  }, 60_000);
});

describe('run library uploads', () => {
  it('takes a run file from another hub under a new id; refuses truncated, non-MCAP and foreign files cleanly', async () => {
    hub = await startTestHub({ runAutoRecord: false }, { dashboard: false, simulator: { infoIntervalMs: 500 } });
    const auth = { authorization: `Bearer ${HUB_OPERATOR}` };
    const binary = { ...auth, 'content-type': 'application/octet-stream' };
    await until(() => hub?.hub.ingest.registry.channelCount() ?? 0 > 10, 5000, 'simulator channels');
    hub.hub.runs.capture.startManual('Source');
    await new Promise((r) => setTimeout(r, 800));
    const sourceId = hub.hub.runs.capture.status().runId;
    hub.hub.runs.capture.stopManual();
    // Saved and indexed (the index is written after the library lists the run).
    await until(() => hub?.hub.runs.capture.stats().runsRecorded === 1, 10_000, 'the run saved');
    const bytes = new Uint8Array(await (await fetch(`${hub.url}/api/runs/${sourceId}/file`)).arrayBuffer());

    // An index write in flight (temp file, then rename) is the library saving itself, not an upload's leftover.
    const listing = async () =>
      (await readdir(join(hub?.dataDir ?? '', 'runs'))).filter((name) => !/^index\.json\..*\.tmp$/.test(name));
    const before = (await listing()).sort();
    const refusals: [string, Uint8Array | string, string][] = [
      ['truncated', bytes.subarray(0, Math.floor(bytes.byteLength / 2)), 'application/octet-stream'],
      ['not MCAP', 'hello, this is not a run file', 'application/octet-stream'],
      ['foreign MCAP', await foreignMcap(), 'application/octet-stream'],
    ];
    for (const [what, body, type] of refusals) {
      const res = await fetch(`${hub.url}/api/runs`, {
        method: 'POST',
        headers: { ...auth, 'content-type': type },
        body,
      });
      expect(res.status, what).toBe(422);
      const error = ((await res.json()) as { error: { code: string; field: string; message: string } }).error;
      expect(error).toMatchObject({ code: 'INVALID_RUN_FILE', field: 'file' });
      expect(error.message).toMatch(/^file: /);
    }
    const wrongType = await fetch(`${hub.url}/api/runs`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'text/plain' },
      body: 'x',
    });
    expect(wrongType.status).toBe(415);
    expect(hub.hub.runs.library.count).toBe(1);
    expect((await listing()).sort()).toEqual(before);

    const ok = await fetch(`${hub.url}/api/runs`, { method: 'POST', headers: binary, body: bytes });
    expect(ok.status).toBe(201);
    const imported = (await ok.json()) as { id: string; name: string; datagrams: number };
    expect(imported.id).not.toBe(sourceId);
    expect(imported.name).toBe('Source');
    const original = hub.hub.runs.library.get(sourceId ?? '');
    expect(imported.datagrams).toBe(original.datagrams);
    const copy = await readRunFileIndependently(hub.hub.runs.library.fileOf(imported.id));
    const src = await readRunFileIndependently(hub.hub.runs.library.fileOf(sourceId ?? ''));
    expect(copy.messages.map((m) => Buffer.from(m.data).toString('hex'))).toEqual(
      src.messages.map((m) => Buffer.from(m.data).toString('hex')),
    );
  }, 60_000);
});

/** A valid MCAP file that is not a jetdrive run (another profile, a JSON topic). */
async function foreignMcap(): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  let size = 0n;
  const writer = new McapWriter({
    writable: {
      write: async (b: Uint8Array) => {
        parts.push(b.slice());
        size += BigInt(b.byteLength);
      },
      position: () => size,
    },
  });
  await writer.start({ profile: 'ros2', library: 'test' });
  const channelId = await writer.registerChannel({
    schemaId: 0,
    topic: '/odom',
    messageEncoding: 'json',
    metadata: new Map(),
  });
  await writer.addMessage({
    channelId,
    sequence: 0,
    logTime: 1n,
    publishTime: 1n,
    data: new TextEncoder().encode('{}'),
  });
  await writer.end();
  return Buffer.concat(parts);
}

describe('recording on a full disk', () => {
  it('raises the alert, a metric and keeps viewers streaming; resumes and recovers the run when space returns', async () => {
    const disk = createSwitchableFullDisk();
    hub = await startTestHub(
      { runAutoRecord: false },
      { dashboard: false, simulator: { infoIntervalMs: 500 }, runFileSystem: disk.fs },
    );
    socket = await connectViewer(hub.url);
    const alerts: RecordingAlert[] = [];
    let frames = 0;
    socket.on('recording:alert', (a) => alerts.push(a));
    socket.on('stream:data', () => frames++);
    expect(await command(socket, 'channel:subscribe', { selectors: ['*'] })).toMatchObject({ ok: true });
    await until(() => frames > 5, 5000, 'live frames');

    const runId = hub.hub.runs.capture.startManual('Doomed').runId;
    await new Promise((r) => setTimeout(r, 500));
    disk.setFull(true);
    await until(() => alerts.length === 1, 5000, 'recording:alert');
    expect(alerts[0]).toMatchObject({ active: true, code: 'ENOSPC' });
    expect(alerts[0].message).toMatch(/disk is full/);
    expect(hub.hub.runs.capture.status().state).toBe('suspended');
    const metrics = await (await fetch(`${hub.url}/metrics`)).text();
    expect(metrics).toMatch(/jetdrive_recording_errors_total\{code="ENOSPC"\} 1/);
    expect(metrics).toMatch(/jetdrive_recording_suspended 1/);
    const suspended = await fetch(`${hub.url}/api/runs/record/start`, {
      method: 'POST',
      headers: { authorization: `Bearer ${HUB_OPERATOR}` },
    });
    expect(suspended.status).toBe(503);
    const atAlert = frames;
    await until(() => frames > atAlert + 20, 5000, 'viewers still receiving');

    disk.setFull(false);
    await until(() => alerts.length === 2, 15_000, 'recording resumed');
    expect(alerts[1]).toMatchObject({ active: false });
    await until(() => hub?.hub.runs.library.has(runId ?? ''), 10_000, 'the interrupted run recovered');
    expect(hub.hub.runs.library.get(runId ?? '')).toMatchObject({ recovered: true, name: 'Doomed' });
  }, 60_000);
});
