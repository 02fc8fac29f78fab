import { filter, firstValueFrom, take, tap, toArray } from 'rxjs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ConnectionState, Hub, HubBatch, HubSample } from '@jetdrive-hub/client';
import { connectHub, HubError } from '@jetdrive-hub/client';
import type { SessionSummary } from '@jetdrive-hub/client/contract';
import { createRegistryDriver, type RegistryDriver } from '../support/registry-driver.js';
import { type GatewayFixture, startGateway } from '../support/realtime-fixture.js';
import { until } from '../support/until.js';

const DYNO = 0x43fd;

describe('client SDK against a real gateway', () => {
  let registry: RegistryDriver;
  let fixture: GatewayFixture;
  let hub: Hub | undefined;

  beforeEach(async () => {
    registry = createRegistryDriver();
    registry.addProvider(DYNO, 'Power Core');
    registry.addChannel({ providerId: DYNO, channelId: 42, name: 'Digital RPM 1', unit: 8 });
    registry.addChannel({ providerId: DYNO, channelId: 23, name: 'Air/Fuel Ratio 1', unit: 11 });
    registry.addChannel({ providerId: DYNO, channelId: 103, name: 'TPS', unit: 16 });
    fixture = await startGateway(registry);
  });

  afterEach(async () => {
    hub?.close();
    hub = undefined;
    await fixture.close();
  });

  it('streams typed samples per channel, starting with the last known value', async () => {
    registry.push(DYNO, [[42, 1500]], 1_000);
    hub = connectHub(fixture.url);
    const samples: HubSample[] = [];
    const subscription = hub.channel$('Digital RPM 1').subscribe((sample) => samples.push(sample));
    await until(() => samples.length === 1, 5_000, 'the last value');
    registry.push(DYNO, [
      [42, 2500],
      [23, 13.5],
    ]);
    await until(() => samples.length === 2, 5_000, 'a live sample');
    expect(samples[0]).toMatchObject({ channel: 'Digital RPM 1', value: 1500, time: 1_000, providerTs: 1_000 });
    expect(samples[1]).toMatchObject({
      channel: 'Digital RPM 1',
      name: 'Digital RPM 1',
      providerId: DYNO,
      channelId: 42,
      unit: 'RPM',
      value: 2500,
    });
    subscription.unsubscribe();
    await until(() => fixture.gateway.stats().subscriptions === 0, 5_000, 'the server side to be released');
  });

  it('batches several selectors and reports the catalog and providers', async () => {
    hub = connectHub(fixture.url);
    const batches: HubBatch[] = [];
    hub.samples$(['*RPM*', 'Air/Fuel*']).subscribe((batch) => batches.push(batch));
    const catalog = await hub.catalog();
    expect(catalog.channels.map((channel) => channel.name).sort()).toEqual([
      'Air/Fuel Ratio 1',
      'Digital RPM 1',
      'TPS',
    ]);
    await until(() => fixture.gateway.stats().subscriptions === 1, 5_000, 'the subscription');
    registry.push(DYNO, [
      [42, 3000],
      [23, 12.5],
      [103, 95],
    ]);
    await until(() => batches.length === 1, 5_000, 'one batch');
    expect(batches[0].samples.map((sample) => [sample.channel, sample.value])).toEqual([
      ['Digital RPM 1', 3000],
      ['Air/Fuel Ratio 1', 12.5],
    ]);
    const providers = firstValueFrom(hub.providers$.pipe(filter((list) => list.length === 2)));
    registry.addProvider(0x1111, 'Atmo Probe');
    expect((await providers).map((provider) => provider.name).sort()).toEqual(['Atmo Probe', 'Power Core']);
  });

  it('reconnects after a server-side and a transport disconnect and restores subscriptions without duplicates', async () => {
    hub = connectHub(fixture.url, { reconnectDelayMs: 20, reconnectDelayMaxMs: 100 });
    const states: ConnectionState['state'][] = [];
    hub.connection$.subscribe((state) => states.push(state.state));
    const rpm: number[] = [];
    const afr: number[] = [];
    hub.channel$('Digital RPM 1').subscribe((sample) => rpm.push(sample.value));
    hub.channel$('Digital RPM 1').subscribe(() => undefined);
    hub
      .samples$(['Air/Fuel Ratio 1'], { maxHz: 50 })
      .subscribe((batch) => afr.push(...batch.samples.map((s) => s.value)));
    await until(() => fixture.gateway.stats().subscriptions === 3, 5_000, 'three subscriptions');
    let value = 0;
    // Paced by what arrives, not by the clock: each value is pushed once the previous one reached the client.
    const pushSome = async () => {
      for (let i = 0; i < 10; i++) {
        value++;
        registry.push(DYNO, [
          [42, value],
          [23, value],
        ]);
        await until(() => rpm.at(-1) === value, 5_000, `rpm value ${value}`);
      }
    };
    await pushSome();
    await until(() => rpm.length === 10, 5_000, 'ten rpm values');

    for (const socket of fixture.gateway.io.sockets.sockets.values()) socket.disconnect(true);
    await until(
      () => states.filter((state) => state === 'connected').length === 2,
      5_000,
      'the reconnect after a kick',
    );
    await until(() => fixture.gateway.stats().subscriptions === 3, 5_000, 'the subscriptions to be restored');
    await pushSome();

    for (const socket of fixture.gateway.io.sockets.sockets.values()) socket.conn.close();
    await until(
      () => states.filter((state) => state === 'connected').length === 3,
      5_000,
      'the reconnect after a transport close',
    );
    await until(() => fixture.gateway.stats().subscriptions === 3, 5_000, 'the subscriptions to be restored again');
    await pushSome();

    await until(() => rpm.length === 30, 5_000, 'thirty rpm values');
    // A sentinel after the last value: anything duplicated or late would arrive before it (one ordered stream).
    registry.push(DYNO, [[42, 31]]);
    await until(() => rpm.includes(31), 5_000, 'the sentinel');
    expect(rpm).toEqual(Array.from({ length: 31 }, (_, i) => i + 1));
    // AFR is rate-limited (50 Hz): its latest value comes on the next tick.
    await until(() => afr.at(-1) === 30, 5_000, 'the last AFR value');
    expect(new Set(afr).size).toBe(afr.length);
    expect(fixture.gateway.stats()).toMatchObject({ viewers: 1, subscriptions: 3 });
    expect(states.slice(0, 3)).toEqual(['connecting', 'connected', 'disconnected']);
  });

  it('fails a subscription the hub refuses with a HubError carrying the code and the field', async () => {
    hub = connectHub(fixture.url);
    const error = await firstValueFrom(hub.channel$('', { maxHz: 5 })).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(HubError);
    expect((error as HubError).code).toBe('INVALID_PAYLOAD');
    expect((error as HubError).field).toBe('selectors.0');
    expect((error as HubError).message).toBe('channel:subscribe: selectors.0: must not be empty');
  });

  it('logs channel names on the first data and every 100 batches, warns once about unmapped channels', async () => {
    const debugLines: string[] = [];
    const warnLines: string[] = [];
    hub = connectHub(fixture.url, {
      debug: true,
      channelConfig: { 'Digital RPM 1': {}, TPS: {} },
      logger: { debug: (message) => debugLines.push(message), warn: (message) => warnLines.push(message) },
    });
    let batches = 0;
    const received = hub.samples$(['*']).pipe(
      tap(() => batches++),
      take(205),
      toArray(),
    );
    const done = firstValueFrom(received);
    await until(() => fixture.gateway.stats().subscriptions === 1, 5_000, 'the subscription');
    // One push per batch the client sees: the next is pushed once the previous arrived.
    for (let i = 0; i < 205; i++) {
      registry.push(DYNO, [
        [42, i],
        [23, i],
      ]);
      await until(() => batches > i, 5_000, `batch ${i + 1}`, 1);
    }
    await done;
    const nameLines = debugLines.filter((line) => line.includes('channels in batch'));
    expect(nameLines).toEqual([
      '[jetdrive-hub] channels in batch 1: Digital RPM 1, Air/Fuel Ratio 1',
      '[jetdrive-hub] channels in batch 101: Digital RPM 1, Air/Fuel Ratio 1',
      '[jetdrive-hub] channels in batch 201: Digital RPM 1, Air/Fuel Ratio 1',
    ]);
    expect(warnLines).toEqual(["[jetdrive-hub] unmapped channels (not in the app's channel config): Air/Fuel Ratio 1"]);
    expect(debugLines).toContain(
      '[jetdrive-hub] mapping: 2 mapped, 1 unmapped of 3 channels (unmapped: Air/Fuel Ratio 1)',
    );
    registry.addChannel({ providerId: DYNO, channelId: 7, name: 'Lambda 1' });
    await until(
      () => debugLines.some((line) => line.includes('mapping: 2 mapped, 2 unmapped')),
      5_000,
      'a new mapping summary',
    );
  });

  it('drives sessions through the socket commands', async () => {
    const summaries: SessionSummary[] = [
      {
        session_id: 'abc',
        status: 'running',
        current_iteration: 1,
        max_iterations: 5,
        duration_sec: null,
        converged: false,
        engine_profile: 'm8_131',
        base_ve_scenario: 'rich',
      },
    ];
    // A stand-in for the sessions module's socket handlers: the SDK only needs the event contract.
    fixture.gateway.io.on('connection', (socket) => {
      socket.on('session:list', (ack) => ack({ ok: true, data: summaries }));
      socket.on('session:results', (_id, ack) =>
        ack({ ok: false, error: { code: 'SESSION_NOT_FOUND', message: 'no session xyz' } }),
      );
      socket.on('session:watch', (id, ack) => {
        ack({
          ok: true,
          data: {
            session_id: id,
            status: 'running',
            current_iteration: 0,
            max_iterations: 5,
            converged: false,
            progress_pct: 0,
            progress_message: '',
            iterations: [],
            start_time: '2026-01-01T00:00:00Z',
            end_time: null,
            duration_sec: null,
            error_message: null,
            seq: 0,
          },
        });
        socket.emit('session:event', { sessionId: 'other', seq: 1, at: 1, type: 'running', initial_ve_error_pct: 5 });
        socket.emit('session:event', { sessionId: id, seq: 1, at: 1, type: 'running', initial_ve_error_pct: 5 });
        socket.emit('session:event', { sessionId: id, seq: 1, at: 1, type: 'running', initial_ve_error_pct: 5 });
        socket.emit('session:event', {
          sessionId: id,
          seq: 2,
          at: 2,
          type: 'terminal',
          status: 'stopped',
          message: null,
        });
      });
    });
    hub = connectHub(fixture.url);
    expect(await hub.sessions.list()).toEqual(summaries);
    await expect(hub.sessions.results('xyz')).rejects.toMatchObject({
      code: 'SESSION_NOT_FOUND',
      message: 'no session xyz',
    });
    const events = await firstValueFrom(hub.sessions.events$('abc').pipe(toArray()));
    expect(events.map((event) => [event.sessionId, event.seq, event.type])).toEqual([
      ['abc', 1, 'running'],
      ['abc', 2, 'terminal'],
    ]);
  });
});
