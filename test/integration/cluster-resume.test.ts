import type { Hub, HubBatch, ResumeOutcome } from '@jetdrive-hub/client';
import { connectHub } from '@jetdrive-hub/client';
import type { BackfillFrame, Result, SourceGap, SubscribeResult } from '@jetdrive-hub/client/contract';
import { afterEach, describe, expect, it } from 'vitest';
import { createRegistryDriver, type RegistryDriver } from '../support/registry-driver.js';
import { type GatewayFixture, startGateway } from '../support/realtime-fixture.js';
import { until } from '../support/until.js';

// Resume by offset on one node (the same request works against any node of a cluster: the offsets are sample times,
// which every node has alike). A viewer that reconnects names the last time it got per channel; the hub replays the
// rest from its rings and says recovered: true, or recovered: false with the last values when the gap is gone.

const DYNO = 0x43fd;
const RPM = `${DYNO}:42`;
const AFR = `${DYNO}:23`;

describe('resume after a reconnect', () => {
  let registry: RegistryDriver;
  let fixture: GatewayFixture;
  let hub: Hub | undefined;

  async function setUp(ringSize?: number): Promise<void> {
    registry = createRegistryDriver(ringSize === undefined ? {} : { ringSize });
    registry.addProvider(DYNO, 'Power Core');
    registry.addChannel({ providerId: DYNO, channelId: 42, name: 'Digital RPM 1', unit: 8 });
    registry.addChannel({ providerId: DYNO, channelId: 23, name: 'Air/Fuel Ratio 1', unit: 11 });
    fixture = await startGateway(registry);
  }

  afterEach(async () => {
    hub?.close();
    hub = undefined;
    await fixture.close();
  });

  /** Pushes `count` samples of both channels from `t0`, 20 ms apart (values count the samples). */
  function pushRun(t0: number, count: number, first = 0): void {
    for (let i = 0; i < count; i++) {
      registry.push(
        DYNO,
        [
          [42, 1000 + first + i],
          [23, 13 + (first + i) / 1000],
        ],
        t0 + (first + i) * 20,
      );
    }
  }

  it('replays exactly what the viewer missed, then live data: no gap, no duplicate (raw protocol)', async () => {
    await setUp();
    const t0 = 1_700_000_000_000;
    pushRun(t0, 10);
    // The viewer got samples up to #9 of RPM and #7 of AFR (its last frame carried those times).
    pushRun(t0, 20, 10);
    const client = await fixture.connect();
    const backfill: BackfillFrame[] = [];
    client.on('stream:backfill', (b) => backfill.push(b));
    const result = (await client.emitWithAck('channel:subscribe', {
      selectors: ['*'],
      resume: { [RPM]: t0 + 9 * 20, [AFR]: t0 + 7 * 20 },
    })) as Result<SubscribeResult>;
    if (!result.ok) throw new Error(result.error.message);
    expect(result.data.recovered).toBe(true);
    await until(() => backfill.at(-1)?.done, 2000, 'the replay');
    const indexOf = new Map(result.data.stream.channels.map((c) => [c.key, c.index]));
    const records = backfill.flatMap((b) => {
      const out: [number, number][] = [];
      for (let i = 3; i < b.frame.length; i += 4) out.push([b.frame[i], b.frame[1] + b.frame[i + 1]]);
      return out;
    });
    const times = (key: string) =>
      records.filter(([index]) => index === indexOf.get(key)).map(([, t]) => (t - t0) / 20);
    expect(times(RPM)).toEqual(Array.from({ length: 20 }, (_, k) => 10 + k));
    expect(times(AFR)).toEqual(Array.from({ length: 22 }, (_, k) => 8 + k));
  });

  it('says recovered: false and sends no part of the gap when the rings no longer hold it', async () => {
    await setUp(16);
    const t0 = 1_700_000_000_000;
    pushRun(t0, 40);
    const client = await fixture.connect();
    const backfill: BackfillFrame[] = [];
    client.on('stream:backfill', (b) => backfill.push(b));
    const result = (await client.emitWithAck('channel:subscribe', {
      selectors: ['*'],
      resume: { [RPM]: t0 + 5 * 20, [AFR]: t0 + 5 * 20 },
    })) as Result<SubscribeResult>;
    if (!result.ok) throw new Error(result.error.message);
    expect(result.data.recovered).toBe(false);
    // A fresh start: the last values, nothing of the gap.
    expect(result.data.stream.channels.find((c) => c.key === RPM)?.last?.[1]).toBe(1039);
    await new Promise((resolve) => setImmediate(resolve));
    expect(backfill).toEqual([]);
  });

  it('the SDK resumes by itself after a cut: every sample once, in order, and tells recovered: true', async () => {
    await setUp();
    const t0 = Date.now() - 60_000;
    hub = connectHub(fixture.url, { reconnectDelayMs: 100, reconnectDelayMaxMs: 200 });
    const got: number[] = [];
    const kinds: HubBatch['kind'][] = [];
    const outcomes: ResumeOutcome[] = [];
    hub.resumed$.subscribe((o) => outcomes.push(o));
    hub.samples$(['Digital RPM 1']).subscribe((batch) => {
      kinds.push(batch.kind);
      for (const s of batch.samples) got.push(s.value);
    });
    await until(() => fixture.gateway.stats().subscriptions === 1, 5000, 'the subscription');
    pushRun(t0, 10);
    await until(() => got.length === 10, 5000, 'live samples');
    // The hub drops the connection; what happens before the SDK is back is only in the rings.
    fixture.gateway.io.disconnectSockets(true);
    await until(() => fixture.gateway.stats().subscriptions === 0, 5000, 'the cut');
    pushRun(t0, 30, 10);
    await until(() => outcomes.length === 1, 5000, 'the resume');
    expect(outcomes[0]).toEqual({ selectors: ['Digital RPM 1'], recovered: true });
    pushRun(t0, 5, 40);
    await until(() => got.length >= 45, 5000, 'replay and live');
    expect(got).toEqual(Array.from({ length: 45 }, (_, k) => 1000 + k));
    expect(kinds).toContain('backfill');
  });

  it('the SDK starts afresh from the last values and says recovered: false when the gap is gone', async () => {
    await setUp(8);
    const t0 = Date.now() - 60_000;
    hub = connectHub(fixture.url, { reconnectDelayMs: 100, reconnectDelayMaxMs: 200 });
    const got: number[] = [];
    const outcomes: ResumeOutcome[] = [];
    hub.resumed$.subscribe((o) => outcomes.push(o));
    hub.samples$(['Digital RPM 1']).subscribe((batch) => {
      for (const s of batch.samples) got.push(s.value);
    });
    await until(() => fixture.gateway.stats().subscriptions === 1, 5000, 'the subscription');
    pushRun(t0, 5);
    await until(() => got.length === 5, 5000, 'live samples');
    fixture.gateway.io.disconnectSockets(true);
    await until(() => fixture.gateway.stats().subscriptions === 0, 5000, 'the cut');
    pushRun(t0, 30, 5);
    await until(() => outcomes.length === 1, 5000, 'the resume');
    expect(outcomes[0].recovered).toBe(false);
    await until(() => got.length === 6, 5000, 'the last value');
    expect(got.at(-1)).toBe(1034);
  });

  it('says when the node lost stream entries (a cluster edge that fell behind): gaps$, one per gap, as sent', async () => {
    await setUp();
    hub = connectHub(fixture.url, { reconnectDelayMs: 100, reconnectDelayMaxMs: 200 });
    await hub.whenConnected();
    const gaps: SourceGap[] = [];
    hub.gaps$.subscribe((g) => gaps.push(g));
    const gap: SourceGap = { missedEntries: 1_532, afterId: '1700000000000-3', resumedAt: '1700000004000-0', at: 1 };
    fixture.gateway.io.emit('source:gap', gap);
    await until(() => gaps.length === 1, 5000, 'the gap');
    expect(gaps).toEqual([gap]);
  });
});
