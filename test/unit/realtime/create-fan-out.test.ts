import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { DataFrame, StreamChannelsChange, SubscribeRequest } from '@jetdrive-hub/client/contract';
import { createFanOut, type FanOut, type FanOutTransport } from '../../../server/realtime/create-fan-out.js';
import { DEFAULT_REALTIME_OPTIONS, type RealtimeOptions } from '../../../server/realtime/options.js';
import { createRegistryDriver, type RegistryDriver } from '../../support/registry-driver.js';

const DYNO = 0x43fd;

interface Recorded {
  broadcasts: { room: string; event: string; payload: unknown }[];
  sent: { viewer: string; event: string; payload: unknown }[];
  rooms: Map<string, Set<string>>;
}

function recordingTransport(): FanOutTransport & Recorded {
  const recorded: Recorded = { broadcasts: [], sent: [], rooms: new Map() };
  return {
    ...recorded,
    broadcast(room, event, payload) {
      recorded.broadcasts.push({ room, event, payload });
    },
    send(viewer, event, payload) {
      recorded.sent.push({ viewer, event, payload });
    },
    join(viewer, room) {
      const members = recorded.rooms.get(room) ?? new Set();
      members.add(viewer);
      recorded.rooms.set(room, members);
    },
    leave(viewer, room) {
      recorded.rooms.get(room)?.delete(viewer);
      if (recorded.rooms.get(room)?.size === 0) recorded.rooms.delete(room);
    },
  };
}

/** [index, time, value] triples of a non-envelope frame. */
function records(frame: DataFrame, stride = 4): number[][] {
  const out: number[][] = [];
  for (let i = 3; i < frame.length; i += stride)
    out.push([frame[i], frame[1] + frame[i + 1], ...frame.slice(i + 2, i + stride)]);
  return out;
}

describe('fan-out core', () => {
  let registry: RegistryDriver;
  let transport: ReturnType<typeof recordingTransport>;
  let fanOut: FanOut;

  function create(options: Partial<RealtimeOptions> = {}): void {
    fanOut = createFanOut({ registry, transport, options: { ...DEFAULT_REALTIME_OPTIONS, ...options } });
    registry.samples$.subscribe((batch) => fanOut.dispatch(batch));
  }

  function subscribe(viewer: string, request: SubscribeRequest) {
    const outcome = fanOut.subscribe(viewer, request);
    if (!outcome.ok) throw new Error(outcome.error.message);
    return outcome.data;
  }

  beforeEach(() => {
    vi.useFakeTimers();
    registry = createRegistryDriver();
    registry.addProvider(DYNO, 'Power Core');
    registry.addChannel({ providerId: DYNO, channelId: 42, name: 'Digital RPM 1', unit: 8 });
    registry.addChannel({ providerId: DYNO, channelId: 103, name: 'TPS', unit: 16 });
    transport = recordingTransport();
  });

  afterEach(() => {
    fanOut.close();
    vi.useRealTimers();
  });

  it('shares one stream and room between viewers with the same selection and builds one frame per flush', () => {
    create();
    for (const viewer of ['a', 'b', 'c']) fanOut.addViewer(viewer);
    const a = subscribe('a', { selectors: ['TPS', '*RPM*'] });
    const b = subscribe('b', { selectors: ['*rpm*', { name: 'TPS' }] });
    const c = subscribe('c', { selectors: ['TPS'] });
    expect(a.result.stream.id).toBe(b.result.stream.id);
    expect(c.result.stream.id).not.toBe(a.result.stream.id);
    expect(fanOut.stats()).toMatchObject({ viewers: 3, subscriptions: 3, streams: 2 });
    expect([...(transport.rooms.get(`stream:${a.result.stream.id}`) ?? [])]).toEqual(['a', 'b']);

    registry.push(
      DYNO,
      [
        [42, 1000],
        [103, 10],
      ],
      1_000,
    );
    registry.push(
      DYNO,
      [
        [42, 1100],
        [103, 11],
      ],
      1_020,
    );
    expect(transport.broadcasts).toHaveLength(0);
    vi.advanceTimersToNextTimer();
    const frames = transport.broadcasts.filter((b) => b.event === 'stream:data');
    expect(frames.map((f) => f.room).sort()).toEqual(
      [`stream:${a.result.stream.id}`, `stream:${c.result.stream.id}`].sort(),
    );
    const shared = frames.find((f) => f.room === `stream:${a.result.stream.id}`)?.payload as DataFrame;
    const rpmIndex = a.result.stream.channels.find((ch) => ch.name === 'Digital RPM 1')?.index;
    const tpsIndex = a.result.stream.channels.find((ch) => ch.name === 'TPS')?.index;
    expect(records(shared).map((r) => r.slice(0, 3))).toEqual([
      [rpmIndex, 1_000, 1000],
      [tpsIndex, 1_000, 10],
      [rpmIndex, 1_020, 1100],
      [tpsIndex, 1_020, 11],
    ]);
    expect(fanOut.stats()).toMatchObject({ framesBroadcast: 2, deliveredFrames: 3, deliveredSamples: 4 * 2 + 2 });
  });

  it('with flushIntervalMs merges the batches of that interval into one frame', () => {
    create({ flushIntervalMs: 20 });
    fanOut.addViewer('a');
    subscribe('a', { selectors: ['TPS'] });
    registry.push(DYNO, [[103, 1]], 1_000);
    vi.advanceTimersByTime(10);
    registry.push(DYNO, [[103, 2]], 1_010);
    expect(transport.broadcasts).toHaveLength(0);
    vi.advanceTimersByTime(10);
    registry.push(DYNO, [[103, 3]], 1_020);
    vi.advanceTimersByTime(20);
    const frames = transport.broadcasts.map((b) => records(b.payload as DataFrame).map((r) => r[2]));
    expect(frames).toEqual([[1, 2], [3]]);
  });

  it('with maxHz sends the latest value per channel per period, and the envelope keeps the extremes', () => {
    create();
    fanOut.addViewer('a');
    const plain = subscribe('a', { selectors: ['TPS'], maxHz: 10 });
    const envelope = subscribe('a', { selectors: ['TPS'], maxHz: 10, envelope: true });
    // An idle maxHz stream holds no timer.
    expect(fanOut.stats().timers).toBe(0);
    for (const [i, value] of [5, 95, 20].entries()) registry.push(DYNO, [[103, value]], 1_000 + i);
    vi.advanceTimersByTime(100);
    const byStream = (id: number) =>
      transport.broadcasts.filter((b) => b.room === `stream:${id}`).map((b) => b.payload as DataFrame);
    expect(byStream(plain.result.stream.id).map((frame) => records(frame))).toEqual([[[0, 1_002, 20, 0]]]);
    expect(byStream(envelope.result.stream.id).map((frame) => records(frame, 6))).toEqual([[[0, 1_002, 20, 0, 5, 95]]]);
    vi.advanceTimersByTime(500);
    expect(byStream(plain.result.stream.id)).toHaveLength(1);
  });

  describe('maxHz delivery on the leading edge', () => {
    const framesOf = (id: number) =>
      transport.broadcasts.filter((b) => b.room === `stream:${id}` && b.event === 'stream:data');
    const valuesOf = (id: number) => framesOf(id).map((b) => records(b.payload as DataFrame).map((r) => r[2]));

    it('sends a sample at the next flush when the period since the last frame has passed, not at a fixed grid', () => {
      create();
      fanOut.addViewer('a');
      const id = subscribe('a', { selectors: ['TPS'], maxHz: 10 }).result.stream.id;
      vi.advanceTimersByTime(37);
      registry.push(DYNO, [[103, 1]]);
      vi.advanceTimersByTime(0);
      expect(valuesOf(id)).toEqual([[1]]);
      // 130 ms later the period (100 ms) has passed again: at once as well.
      vi.advanceTimersByTime(130);
      registry.push(DYNO, [[103, 2]]);
      vi.advanceTimersByTime(0);
      expect(valuesOf(id)).toEqual([[1], [2]]);
      expect(fanOut.stats().timers).toBe(0);
    });

    it('holds a sample that comes within the period until the period ends, conflated with the next ones', () => {
      create();
      fanOut.addViewer('a');
      const id = subscribe('a', { selectors: ['TPS'], maxHz: 10, envelope: true }).result.stream.id;
      registry.push(DYNO, [[103, 50]]);
      vi.advanceTimersByTime(0);
      vi.advanceTimersByTime(40);
      registry.push(DYNO, [[103, 5]]);
      vi.advanceTimersByTime(20);
      registry.push(DYNO, [[103, 95]]);
      registry.push(DYNO, [[103, 60]]);
      vi.advanceTimersByTime(39);
      expect(framesOf(id)).toHaveLength(1);
      vi.advanceTimersByTime(1);
      expect(framesOf(id).map((b) => records(b.payload as DataFrame, 6).map((r) => [r[2], r[4], r[5]]))).toEqual([
        [[50, 50, 50]],
        [[60, 5, 95]],
      ]);
    });

    it('delivers data arriving at the stream rate, with jitter, each sample at once and in its own frame', () => {
      create();
      fanOut.addViewer('a');
      const id = subscribe('a', { selectors: ['TPS'], maxHz: 50 }).result.stream.id;
      const jitter = [0.4, 0, 0.9, 0.2, 0.7, 0.1, 0.5, 0.3];
      let waited = 0;
      for (let k = 0; k < 100; k++) {
        vi.setSystemTime(1_000_000 + k * 20 + jitter[k % jitter.length]);
        registry.push(DYNO, [[103, k]]);
        const before = framesOf(id).length;
        vi.advanceTimersByTime(0);
        if (framesOf(id).length === before) waited++;
      }
      expect(waited).toBe(0);
      expect(valuesOf(id)).toEqual(Array.from({ length: 100 }, (_, k) => [k]));
      expect(fanOut.stats()).toMatchObject({ conflatedFrames: 0, timers: 0 });
    });

    it('never exceeds maxHz when data come faster, and keeps the rate on its grid', () => {
      create();
      fanOut.addViewer('a');
      const id = subscribe('a', { selectors: ['TPS'], maxHz: 10 }).result.stream.id;
      for (let k = 0; k < 200; k++) {
        registry.push(DYNO, [[103, k]]);
        vi.advanceTimersByTime(5);
      }
      // Samples every 5 ms for 1 s: the first at once, then one frame per 100 ms (t = 100 … 1000), each with the
      // latest value at its period's end.
      expect(valuesOf(id)).toEqual([[0], ...Array.from({ length: 10 }, (_, j) => [20 * (j + 1) - 1])]);
    });

    it('starts its grid over after a stall instead of bursting the missed periods', () => {
      create();
      fanOut.addViewer('a');
      const id = subscribe('a', { selectors: ['TPS'], maxHz: 10 }).result.stream.id;
      registry.push(DYNO, [[103, 1]]);
      vi.advanceTimersByTime(0);
      registry.push(DYNO, [[103, 2]]);
      // The event loop is blocked for 1 s: the held frame goes when the timer finally runs, then one per period.
      vi.setSystemTime(Date.now() + 1_000);
      vi.advanceTimersToNextTimer();
      registry.push(DYNO, [[103, 3]]);
      vi.advanceTimersByTime(0);
      expect(valuesOf(id)).toEqual([[1], [2]]);
      vi.advanceTimersByTime(100);
      expect(valuesOf(id)).toEqual([[1], [2], [3]]);
    });
  });

  it('answers with the matched channels, their last values and backfill decimated to maxHz', () => {
    create();
    for (let i = 0; i < 50; i++) registry.push(DYNO, [[103, i]], Date.now() - 1_000 + i * 20);
    fanOut.addViewer('a');
    const outcome = subscribe('a', { selectors: ['TPS'], maxHz: 10, backfill: 0.5 });
    expect(outcome.result.stream.channels).toEqual([
      expect.objectContaining({ index: 0, name: 'TPS', unit: '%', last: [Date.now() - 20, 49, expect.any(Number)] }),
    ]);
    const history = outcome.backfill.flatMap((frame) => records(frame).map((r) => r[2]));
    // 0.5 s at one value per 100 ms: the samples 100 ms apart from the window start.
    expect(history).toEqual([25, 30, 35, 40, 45]);
  });

  it('switches a lagging viewer to conflated catch-up frames of only what changed', () => {
    create();
    fanOut.addViewer('slow');
    fanOut.addViewer('fast');
    const s = subscribe('slow', { selectors: ['*'] });
    subscribe('fast', { selectors: ['*'] });
    const room = `stream:${s.result.stream.id}`;
    fanOut.setLagging('slow', true);
    expect([...(transport.rooms.get(room) ?? [])]).toEqual(['fast']);
    for (let i = 0; i < 5; i++) registry.push(DYNO, [[42, 1000 + i]], 2_000 + i);
    vi.advanceTimersToNextTimer();
    expect(fanOut.stats()).toMatchObject({ laggingViewers: 1, droppedFrames: 1, deliveredFrames: 1 });
    fanOut.setLagging('slow', false);
    const catchUp = transport.sent.filter((m) => m.viewer === 'slow' && m.event === 'stream:data');
    const rpmIndex = s.result.stream.channels.find((ch) => ch.name === 'Digital RPM 1')?.index;
    expect(catchUp.map((m) => records(m.payload as DataFrame).map((r) => r.slice(0, 3)))).toEqual([
      [[rpmIndex, 2_004, 1004]],
    ]);
    expect([...(transport.rooms.get(room) ?? [])].sort()).toEqual(['fast', 'slow']);
    expect(fanOut.stats()).toMatchObject({ laggingViewers: 0, conflatedFrames: 1 });
  });

  it('adds and removes channels of a live stream when the catalog changes', () => {
    create();
    fanOut.addViewer('a');
    const { result } = subscribe('a', { selectors: ['*RPM*'] });
    const added = registry.addChannel({ providerId: DYNO, channelId: 43, name: 'Digital RPM 2' });
    fanOut.reconcileChannel(added, false);
    fanOut.reconcileChannel(registry.renameChannel('17405:42', 'Engine Speed'), false);
    const changes = () =>
      transport.broadcasts.filter((b) => b.event === 'stream:channels').map((b) => b.payload as StreamChannelsChange);
    // Told at the next flush, both changes in one message.
    expect(changes()).toEqual([]);
    vi.advanceTimersToNextTimer();
    expect(changes()).toEqual([
      {
        stream: result.stream.id,
        added: [expect.objectContaining({ index: 1, name: 'Digital RPM 2' })],
        removed: [0],
      },
    ]);
    registry.push(DYNO, [
      [42, 1],
      [43, 2],
    ]);
    vi.advanceTimersToNextTimer();
    const frame = transport.broadcasts.find((b) => b.event === 'stream:data')?.payload as DataFrame;
    expect(records(frame).map((r) => r[0])).toEqual([1]);
  });

  it('reuses freed indexes and coalesces a churning catalog into one message per flush', () => {
    create();
    fanOut.addViewer('a');
    const { result } = subscribe('a', { selectors: ['*'] });
    const rogue = 0x0bad;
    registry.addProvider(rogue, 'Rogue');
    const announce = () =>
      Array.from({ length: 128 }, (_, i) => registry.addChannel({ providerId: rogue, channelId: i, name: `R${i}` }));
    for (let cycle = 0; cycle < 40; cycle++) {
      for (const channel of announce()) fanOut.reconcileChannel(channel, false);
      // Samples of the rogue channels are pending when they are cleared: they go out under their old indexes.
      registry.push(rogue, [[5, cycle]]);
      for (const channel of registry.catalog().channels.filter((c) => c.providerId === rogue)) {
        registry.removeChannel(channel.key);
        fanOut.reconcileChannel(channel, true);
      }
      vi.advanceTimersToNextTimer();
    }
    const messages = transport.broadcasts.filter((b) => b.event === 'stream:channels');
    const indexes = messages.flatMap((b) => (b.payload as StreamChannelsChange).added.map((c) => c.index));
    // 2 channels existed before; 128 come and go each cycle: indexes stay below 130.
    expect(Math.max(...indexes)).toBeLessThan(2 + 128);
    // The pending sample forces the additions out before its frame, then the removals: 2 messages per cycle
    // (one per channel change before: 256 per cycle).
    expect(messages).toHaveLength(2 * 40);
    // Added and removed within one flush with no data in between: never mentioned at all.
    for (const channel of announce()) fanOut.reconcileChannel(channel, false);
    for (const channel of registry.catalog().channels.filter((c) => c.providerId === rogue)) {
      registry.removeChannel(channel.key);
      fanOut.reconcileChannel(channel, true);
    }
    vi.advanceTimersToNextTimer();
    expect(fanOut.stats().channelMessages).toBe(2 * 40);
    transport.broadcasts.length = 0;
    // Announced in one flush, cleared in the next: one message each.
    for (const channel of announce()) fanOut.reconcileChannel(channel, false);
    vi.advanceTimersToNextTimer();
    for (const channel of registry.catalog().channels.filter((c) => c.providerId === rogue)) {
      registry.removeChannel(channel.key);
      fanOut.reconcileChannel(channel, true);
    }
    vi.advanceTimersToNextTimer();
    const told = transport.broadcasts
      .filter((b) => b.event === 'stream:channels')
      .map((b) => b.payload as StreamChannelsChange);
    expect(told.map((c) => [c.stream, c.added.length, c.removed.length])).toEqual([
      [result.stream.id, 128, 0],
      [result.stream.id, 0, 128],
    ]);
    expect(Math.max(...told[0].added.map((c) => c.index))).toBe(129);
  });

  it('releases streams, rooms and timers when viewers leave', () => {
    create();
    for (let i = 0; i < 10; i++) {
      fanOut.addViewer(`v${i}`);
      subscribe(`v${i}`, { selectors: [i % 2 ? 'TPS' : '*'], maxHz: 5 });
      subscribe(`v${i}`, { selectors: [`only-${i}`] });
    }
    // A sample goes at once (the next flush); another within the period waits on a timer of each maxHz stream.
    registry.push(DYNO, [[103, 1]]);
    vi.advanceTimersByTime(0);
    registry.push(DYNO, [[103, 2]]);
    expect(fanOut.stats()).toMatchObject({ viewers: 10, subscriptions: 20, streams: 12, timers: 2 });
    const first = fanOut.subscribe('v0', { selectors: ['x'] });
    if (!first.ok) throw new Error(first.error.message);
    expect(fanOut.unsubscribe('v0', first.data.result.subscriptionId)).toEqual({ ok: true });
    expect(fanOut.unsubscribe('v1', first.data.result.subscriptionId)).toMatchObject({ ok: false });
    for (let i = 0; i < 10; i++) fanOut.removeViewer(`v${i}`);
    expect(fanOut.stats()).toMatchObject({ viewers: 0, subscriptions: 0, streams: 0, timers: 0 });
    expect(transport.rooms.size).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('refuses more subscriptions or streams than allowed, naming the numbers', () => {
    create({ maxSubscriptionsPerSocket: 2, maxStreams: 3 });
    fanOut.addViewer('a');
    fanOut.addViewer('b');
    subscribe('a', { selectors: ['1'] });
    subscribe('a', { selectors: ['2'] });
    expect(fanOut.subscribe('a', { selectors: ['3'] })).toEqual({
      ok: false,
      error: { code: 'TOO_MANY_SUBSCRIPTIONS', message: 'subscriptions: 2 open, limit 2 per socket' },
    });
    subscribe('b', { selectors: ['3'] });
    expect(fanOut.subscribe('b', { selectors: ['4'] })).toEqual({
      ok: false,
      error: { code: 'TOO_MANY_STREAMS', message: 'streams: 3 distinct selections, limit 3' },
    });
    // Joining an existing stream is always possible.
    expect(fanOut.subscribe('b', { selectors: ['1'] }).ok).toBe(true);
  });

  it('caps distinct streams per socket and per address; a selection already held costs nothing', () => {
    create({ maxStreamsPerSocket: 3, maxStreamsPerAddress: 4 });
    fanOut.addViewer('a', { address: '10.0.0.1', exempt: false });
    fanOut.addViewer('b', { address: '10.0.0.1', exempt: false });
    fanOut.addViewer('op', { address: '10.0.0.1', exempt: true });
    for (const n of ['1', '2', '3']) subscribe('a', { selectors: [n] });
    // The same selection again, even many times, is no new stream for this socket.
    for (let i = 0; i < 5; i++) subscribe('a', { selectors: ['3'] });
    expect(fanOut.subscribe('a', { selectors: ['4'] })).toEqual({
      ok: false,
      error: {
        code: 'TOO_MANY_STREAMS',
        message: 'streams: this socket holds 3 distinct selections (limit 3 per socket); reuse one or unsubscribe',
      },
    });
    // Another socket of the address: streams the address holds are free, one new one fits, then the address is full.
    subscribe('b', { selectors: ['1'] });
    subscribe('b', { selectors: ['4'] });
    expect(fanOut.subscribe('b', { selectors: ['5'] })).toMatchObject({
      ok: false,
      error: { code: 'TOO_MANY_STREAMS', message: expect.stringContaining('10.0.0.1 holds 4 distinct selections') },
    });
    // The operator is exempt from the address cap.
    expect(fanOut.subscribe('op', { selectors: ['5'] }).ok).toBe(true);
    expect(fanOut.stats().refusedSubscriptions).toEqual({
      subscriptions: 0,
      streams: 0,
      socketStreams: 1,
      addressStreams: 1,
    });
    // Leaving frees the address's share.
    fanOut.removeViewer('a');
    expect(fanOut.subscribe('b', { selectors: ['6'] }).ok).toBe(true);
    fanOut.removeViewer('b');
    fanOut.removeViewer('op');
    expect(fanOut.stats()).toMatchObject({ streams: 0, streamAddresses: 0 });
  });

  it('bounds the samples a stream holds between flushes and counts the drops', () => {
    create({ maxPendingSamplesPerStream: 3 });
    fanOut.addViewer('a');
    subscribe('a', { selectors: ['TPS'] });
    for (let i = 0; i < 5; i++) registry.push(DYNO, [[103, i]]);
    vi.advanceTimersToNextTimer();
    const frame = transport.broadcasts.find((b) => b.event === 'stream:data')?.payload as DataFrame;
    expect(records(frame).map((r) => r[2])).toEqual([0, 1, 2]);
    expect(fanOut.stats().droppedSamples).toBe(2);
  });
});
