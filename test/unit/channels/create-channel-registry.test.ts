import { Subject } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { createChannelRegistry } from '../../../server/channels/create-channel-registry.js';
import { defaultQuantityOf } from '../../../server/channels/create-default-quantity-resolver.js';
import type {
  CatalogEvent,
  CatalogSnapshot,
  QuantityResolver,
  Sample,
  SampleBatch,
} from '../../../server/channels/types.js';
import { toSamples } from '../../../server/channels/sample-batch.js';
import { createClockSync } from '../../../server/jetdrive/clock-sync.js';
import { createSequenceTracker } from '../../../server/jetdrive/sequence-tracker.js';
import type { ProviderState } from '../../../server/jetdrive/types.js';
import { ChannelValuesBatch } from '../../../server/protocol/channel-values-batch.js';
import type { ChannelInfoRecord } from '../../../server/protocol/types.js';

function provider(hostId: number, name: string): ProviderState {
  return {
    hostId,
    name,
    address: '127.0.0.1',
    port: 22344,
    online: true,
    incompatible: false,
    version: null,
    seq: createSequenceTracker().counters,
    clock: createClockSync(),
    firstSeen: 0,
    lastSeen: 0,
    valueMessages: 1,
  };
}

const rec = (channelId: number, name: string, unit = 255): ChannelInfoRecord => ({ channelId, vendor: 0, name, unit });
const vals = (pairs: [number, number][], ts = 0) =>
  ChannelValuesBatch.from(pairs.map(([channelId, value]) => ({ channelId, value, ts })));

function setup(options = {}) {
  const registry = createChannelRegistry(options);
  const events: CatalogEvent[] = [];
  registry.events$.subscribe((e) => events.push(e));
  return { registry, events, sink: registry.sink };
}

describe('createChannelRegistry', () => {
  it('creates provisional channels for values before info and renames them in place', () => {
    const { registry, events, sink } = setup();
    const p = provider(0x10, 'Power Core');
    sink.providerChanged(p, 'added');
    const t0 = Date.now();
    expect(sink.channelValues(p, t0, vals([[7, 3500]]))).toBe(true);
    expect(registry.getChannel('16:7')).toMatchObject({ name: 'Channel 7', provisional: true, lastValue: 3500 });
    sink.channelInfo(p, [rec(7, 'Digital RPM 1', 8)]);
    expect(registry.catalog().channels).toHaveLength(1);
    expect(registry.getChannel('16:7')).toMatchObject({
      key: '16:7',
      name: 'Digital RPM 1',
      displayName: 'Digital RPM 1',
      unit: 8,
      unitLabel: 'RPM',
      provisional: false,
      lastValue: 3500,
    });
    expect(events.map((e) => e.type)).toEqual(['provider:online', 'channel:added', 'channel:renamed']);
    expect(events[2]).toMatchObject({ previousName: 'Channel 7' });
    expect(sink.channelValues(p, t0 + 10, vals([[7, 3600]]))).toBe(false);
    expect(registry.history('16:7').map((s) => s.value)).toEqual([3500, 3600]);
  });

  it('merges ChannelInfo messages (39 + 3) and forgets channels on clear', () => {
    const { registry, events, sink } = setup();
    const p = provider(0x10, 'Power Core');
    sink.providerChanged(p, 'added');
    const all = Array.from({ length: 42 }, (_, i) => rec(i + 1, `Channel name ${i + 1}`, 16));
    sink.channelInfo(p, all.slice(0, 39));
    sink.channelInfo(p, all.slice(39));
    expect(registry.catalog().channels).toHaveLength(42);
    expect(registry.catalog().providers[0].channelCount).toBe(42);
    sink.channelsCleared(p);
    expect(registry.catalog().channels).toHaveLength(0);
    expect(events.filter((e) => e.type === 'channel:removed')).toHaveLength(42);
    expect(events.at(-1)?.type).toBe('provider:cleared');
  });

  it('disambiguates display names when two providers share a channel name', () => {
    const { registry, sink } = setup();
    const a = provider(0x10, 'Power Core');
    const b = provider(0x20, 'RT-150');
    sink.channelInfo(a, [rec(1, 'Torque', 5), rec(2, 'MAP', 7)]);
    sink.channelInfo(b, [rec(1, 'Torque', 5)]);
    const names = registry.catalog().channels.map((c) => [c.key, c.displayName]);
    expect(names).toEqual([
      ['16:1', 'Power Core/Torque'],
      ['16:2', 'MAP'],
      ['32:1', 'RT-150/Torque'],
    ]);
    const c = provider(0x30, 'RT-150');
    sink.channelInfo(c, [rec(1, 'Torque', 5)]);
    expect(registry.getChannel('48:1')?.displayName).toBe('RT-150 (0x0030)/Torque');
    sink.channelsCleared(b);
    sink.channelsCleared(c);
    expect(registry.getChannel('16:1')?.displayName).toBe('Torque');
  });

  it('emits one batch per datagram with the samples in order', () => {
    const { registry, sink } = setup();
    // The batch's columns are reused: copy what the test keeps.
    const batches: (Pick<SampleBatch, 'providerId'> & { samples: Sample[] })[] = [];
    registry.samples$.subscribe((b) => batches.push({ providerId: b.providerId, samples: toSamples(b) }));
    const p = provider(0x10, 'Power Core');
    sink.channelInfo(p, [rec(1, 'A'), rec(2, 'B')]);
    sink.channelValues(
      p,
      5000,
      vals([
        [1, 1],
        [2, 2],
        [1, 3],
      ]),
    );
    expect(batches).toHaveLength(1);
    expect(batches[0].providerId).toBe(0x10);
    expect(batches[0].samples.map((s) => [s.key, s.value, s.time])).toEqual([
      ['16:1', 1, 5000],
      ['16:2', 2, 5000],
      ['16:1', 3, 5000],
    ]);
    expect(registry.stats().samples).toBe(3);
  });

  it('shares channel$ per selector, replays last values and refcounts views', () => {
    const { registry, sink } = setup();
    const p = provider(0x10, 'Power Core');
    sink.channelInfo(p, [rec(1, 'Digital RPM 1', 8), rec(2, 'Digital RPM 2', 8), rec(3, 'MAP', 7)]);
    sink.channelValues(
      p,
      100,
      vals([
        [1, 1000],
        [2, 2000],
        [3, 50],
      ]),
    );
    const first: Sample[] = [];
    const sub1 = registry.channel$('Digital RPM*').subscribe((s) => first.push(s));
    expect(first.map((s) => s.value)).toEqual([1000, 2000]);
    sink.channelValues(
      p,
      110,
      vals([
        [1, 1100],
        [3, 51],
      ]),
    );
    const second: Sample[] = [];
    const sub2 = registry.channel$('Digital RPM*').subscribe((s) => second.push(s));
    expect(second.map((s) => s.value)).toEqual([1100, 2000]);
    expect(first.map((s) => s.value)).toEqual([1000, 2000, 1100]);
    expect(registry.viewCount()).toBe(1);
    sub1.unsubscribe();
    expect(registry.viewCount()).toBe(1);
    sub2.unsubscribe();
    expect(registry.viewCount()).toBe(0);
    sink.channelValues(p, 120, vals([[1, 1200]]));
    expect(first).toHaveLength(3);
    expect(second).toHaveLength(2);
  });

  it('lets a glob or name subscription pick up channels that appear later', () => {
    const { registry, sink } = setup();
    const p = provider(0x10, 'Power Core');
    const seen: Sample[] = [];
    registry.channel$('*afr*').subscribe((s) => seen.push(s));
    const exact: Sample[] = [];
    registry.channel$('Lambda 1').subscribe((s) => exact.push(s));
    sink.channelValues(
      p,
      100,
      vals([
        [4, 14.7],
        [5, 1.0],
      ]),
    );
    expect(seen).toHaveLength(0);
    sink.channelInfo(p, [rec(4, 'AFR 1', 11), rec(5, 'Lambda 1', 13)]);
    // Renamed into the selectors: the current values are delivered at once. (Values are float32 on the wire.)
    const f32 = (xs: number[]) => xs.map(Math.fround);
    expect(seen.map((s) => s.value)).toEqual(f32([14.7]));
    expect(exact.map((s) => s.value)).toEqual([1.0]);
    sink.channelValues(
      p,
      110,
      vals([
        [4, 13.2],
        [5, 0.9],
      ]),
    );
    expect(seen.map((s) => s.value)).toEqual(f32([14.7, 13.2]));
    expect(exact.map((s) => s.value)).toEqual(f32([1.0, 0.9]));
    // Cleared and announced again: the same subscription keeps working.
    sink.channelsCleared(p);
    sink.channelInfo(p, [rec(4, 'AFR 1', 11)]);
    sink.channelValues(p, 120, vals([[4, 12.5]]));
    expect(seen.map((s) => s.value)).toEqual(f32([14.7, 13.2, 12.5]));
  });

  it('accepts predicate selectors', () => {
    const { registry, sink } = setup();
    const p = provider(0x10, 'Power Core');
    sink.channelInfo(p, [rec(1, 'A', 8), rec(2, 'B', 7)]);
    const seen: number[] = [];
    registry.channel$((m) => m.unit === 7).subscribe((s) => seen.push(s.channelId));
    sink.channelValues(
      p,
      100,
      vals([
        [1, 1],
        [2, 2],
      ]),
    );
    expect(seen).toEqual([2]);
  });

  it('keeps min, max (ignoring NaN), last value, rate and a bounded ring', () => {
    const { registry, sink } = setup({ historyMax: 50, historyMs: 10_000 });
    const p = provider(0x10, 'Power Core');
    sink.channelInfo(p, [rec(1, 'Torque', 5)]);
    const t0 = Date.now() - 2000;
    for (let i = 0; i < 100; i++) sink.channelValues(p, t0 + i * 10, vals([[1, i === 50 ? Number.NaN : i]]));
    const c = registry.getChannel('16:1');
    expect(c).toMatchObject({ min: 0, max: 99, lastValue: 99, sampleCount: 100 });
    expect(c?.rateHz).toBeCloseTo(100, 5);
    const h = registry.history('16:1');
    expect(h).toHaveLength(50);
    expect(h[0].value).toBeNaN();
    expect(registry.history('16:1', t0 + 900).map((s) => s.value)).toEqual([90, 91, 92, 93, 94, 95, 96, 97, 98, 99]);
  });

  it('bounds channels per provider and providers, counting drops', () => {
    const { registry, sink } = setup({ maxChannelsPerProvider: 3, maxProviders: 1 });
    const p = provider(0x10, 'Power Core');
    sink.channelValues(
      p,
      100,
      vals([
        [1, 1],
        [2, 2],
        [3, 3],
        [4, 4],
        [5, 5],
      ]),
    );
    expect(registry.catalog().channels).toHaveLength(3);
    expect(registry.stats().drops.channels).toBe(2);
    expect(registry.stats().samples).toBe(3);
    sink.channelValues(provider(0x20, 'Other'), 100, vals([[1, 1]]));
    expect(registry.stats().drops.registryProviders).toBe(1);
  });

  it('replays the current catalog to new subscribers and bumps its version on changes', () => {
    const { registry, sink } = setup();
    const p = provider(0x10, 'Power Core');
    sink.channelInfo(p, [rec(1, 'A')]);
    const snaps: CatalogSnapshot[] = [];
    registry.catalog$.subscribe((c) => snaps.push(c));
    expect(snaps).toHaveLength(1);
    expect(snaps[0].channels.map((c) => c.name)).toEqual(['A']);
    const v = snaps[0].version;
    sink.channelInfo(p, [rec(2, 'B')]);
    expect(snaps).toHaveLength(2);
    expect(snaps[1].version).toBeGreaterThan(v);
    // Values alone are not a catalog change.
    sink.channelValues(p, 100, vals([[1, 1]]));
    expect(snaps).toHaveLength(2);
  });

  it("removes an incompatible provider's channels", () => {
    const { registry, events, sink } = setup();
    const p = provider(0x10, 'Power Core');
    sink.channelInfo(p, [rec(1, 'A')]);
    p.incompatible = true;
    sink.providerChanged(p, 'incompatible');
    expect(registry.catalog().channels).toHaveLength(0);
    expect(registry.catalog().providers[0].incompatible).toBe(true);
    expect(events.at(-1)?.type).toBe('provider:incompatible');
  });
});

describe('channel caps', () => {
  it('caps the channels of all providers together and counts what it refuses', () => {
    const { registry, sink } = setup({ maxChannels: 3, maxChannelsPerProvider: 2 });
    sink.channelInfo(provider(0x10, 'A'), [rec(1, 'a1'), rec(2, 'a2'), rec(3, 'a3')]);
    sink.channelInfo(provider(0x20, 'B'), [rec(1, 'b1'), rec(2, 'b2')]);
    expect(registry.channelCount()).toBe(3);
    expect(registry.stats().drops).toMatchObject({ channels: 1, channelsTotal: 1 });
    // Announcing the refused channels again costs a count each, nothing else.
    sink.channelInfo(provider(0x20, 'B'), [rec(2, 'b2')]);
    expect(registry.stats().drops.channelsTotal).toBe(2);
    expect(registry.providers().map((p) => p.channelCount)).toEqual([2, 1]);
  });

  it('keeps display names right when only the touched names are reassigned', () => {
    const { registry, sink } = setup();
    sink.channelInfo(provider(0x10, 'A'), [rec(1, 'Torque'), rec(2, 'MAP')]);
    sink.channelInfo(provider(0x20, 'B'), [rec(1, 'Torque')]);
    const names = () => registry.catalog().channels.map((c) => c.displayName);
    expect(names()).toEqual(['A/Torque', 'MAP', 'B/Torque']);
    sink.channelInfo(provider(0x20, 'B'), [rec(1, 'Speed')]);
    expect(names()).toEqual(['Torque', 'MAP', 'Speed']);
  });
});

describe('channel mapping summary', () => {
  it('judges named channels with the resolver and re-judges when it changes', () => {
    const changes$ = new Subject<void>();
    const known = new Set(['Digital RPM 1']);
    const resolver: QuantityResolver = { quantityOf: (m) => (known.has(m.name) ? 'rpm' : null), changes$ };
    const registry = createChannelRegistry({}, { resolver });
    const p = provider(0x10, 'Power Core');
    registry.sink.channelValues(
      p,
      Date.now(),
      vals([
        [1, 1],
        [2, 2],
        [3, 3],
      ]),
    );
    expect(registry.mapping()).toEqual([{ providerId: 0x10, mapped: 0, unmapped: [], provisional: 3 }]);
    registry.sink.channelInfo(p, [rec(1, 'Digital RPM 1'), rec(2, 'Link 0 Status')]);
    expect(registry.mapping()).toEqual([{ providerId: 0x10, mapped: 1, unmapped: ['Link 0 Status'], provisional: 1 }]);
    known.add('Link 0 Status');
    changes$.next();
    expect(registry.mapping()[0]).toMatchObject({ mapped: 2, unmapped: [] });
    registry.sink.channelsCleared(p);
    expect(registry.mapping()[0]).toMatchObject({ mapped: 0, unmapped: [], provisional: 0 });
  });
});

describe('stale samples (replays)', () => {
  it('drops samples older than the window behind the channel newest, and starts over when the clock went back', () => {
    const { registry, sink } = setup({ staleWindowMs: 1000, staleResetMs: 3000 });
    const p = provider(0x10, 'Power Core');
    sink.providerChanged(p, 'added');
    const delivered: number[] = [];
    registry.samples$.subscribe((b) => {
      for (let i = 0; i < b.count; i++) delivered.push(b.providerTs[i]);
    });
    sink.channelValues(p, 10_000, vals([[1, 1]], 50_000));
    // Reordered by less than the window: delivered. A replay from 2 s before: dropped and counted.
    sink.channelValues(p, 10_010, vals([[1, 2]], 49_500));
    sink.channelValues(p, 10_020, vals([[1, 3]], 48_000));
    // Across the u32 wrap forward is newer, not stale.
    sink.channelValues(p, 10_030, vals([[2, 1]], 0xffff_fff0));
    sink.channelValues(p, 10_040, vals([[2, 2]], 5));
    expect(delivered).toEqual([50_000, 49_500, 0xffff_fff0, 5]);
    expect(registry.stats().staleSamples).toBe(1);
    // Only old timestamps for 3 s (a restart under the same id): the channel starts over from there.
    sink.channelValues(p, 12_000, vals([[1, 4]], 100));
    expect(registry.stats().staleSamples).toBe(2);
    sink.channelValues(p, 13_100, vals([[1, 5]], 1200));
    sink.channelValues(p, 13_120, vals([[1, 6]], 1220));
    expect(delivered.slice(4)).toEqual([1200, 1220]);
    expect(registry.stats().staleSamples).toBe(2);
  });
});

describe('the emitted batch when some records are refused', () => {
  const columns = (b: SampleBatch) =>
    Array.from({ length: b.count }, (_, i) => [b.keys[i], b.channelIds[i], b.values[i], b.providerTs[i]]);

  it('holds only the accepted records, in order, when a stale one sits between them', () => {
    const { registry, sink } = setup({ staleWindowMs: 1000 });
    const p = provider(0x10, 'Power Core');
    sink.channelInfo(p, [rec(1, 'A'), rec(2, 'B'), rec(3, 'C')]);
    // Receive times near now: history() keeps the last historyMs before now.
    const t0 = Date.now();
    sink.channelValues(p, t0, vals([[2, 0]], 50_000));
    const seen: ReturnType<typeof columns>[] = [];
    registry.samples$.subscribe((b) => seen.push(columns(b)));
    const input = ChannelValuesBatch.from([
      { channelId: 1, ts: 50_010, value: 1.5 },
      { channelId: 2, ts: 40_000, value: 2.5 },
      { channelId: 3, ts: 50_012, value: 3.5 },
      { channelId: 2, ts: 50_013, value: 4.5 },
    ]);
    sink.channelValues(p, t0 + 20, input);
    expect(seen).toEqual([
      [
        ['16:1', 1, 1.5, 50_010],
        ['16:3', 3, 3.5, 50_012],
        ['16:2', 2, 4.5, 50_013],
      ],
    ]);
    expect(registry.stats().staleSamples).toBe(1);
    // The node reuses its batch: the registry reads it and never writes to it.
    expect(Array.from(input.channelIds)).toEqual([1, 2, 3, 2]);
    expect(Array.from(input.ts)).toEqual([50_010, 40_000, 50_012, 50_013]);
    // The next message, all accepted, is emitted whole again.
    sink.channelValues(
      p,
      t0 + 30,
      vals(
        [
          [3, 7],
          [1, 8],
        ],
        50_020,
      ),
    );
    expect(seen[1]).toEqual([
      ['16:3', 3, 7, 50_020],
      ['16:1', 1, 8, 50_020],
    ]);
    expect(registry.history('16:2').map((s) => s.value)).toEqual([0, 4.5]);
  });

  it('leaves out records of a channel a cap refused', () => {
    const { registry, sink } = setup({ maxChannelsPerProvider: 2 });
    const seen: ReturnType<typeof columns>[] = [];
    registry.samples$.subscribe((b) => seen.push(columns(b)));
    const p = provider(0x10, 'Power Core');
    sink.channelValues(
      p,
      100,
      vals(
        [
          [1, 1],
          [2, 2],
          [3, 3],
          [1, 4],
        ],
        7,
      ),
    );
    expect(seen).toEqual([
      [
        ['16:1', 1, 1, 7],
        ['16:2', 2, 2, 7],
        ['16:1', 1, 4, 7],
      ],
    ]);
    expect(registry.stats().drops.channels).toBe(1);
  });
});

describe('defaultQuantityOf', () => {
  it('maps by unit, then by name, else null', () => {
    expect(defaultQuantityOf({ name: 'Whatever', unit: 8 })).toBe('rpm');
    expect(defaultQuantityOf({ name: 'Air/Fuel Ratio 1', unit: 255 })).toBe('afr');
    expect(defaultQuantityOf({ name: 'MAP kPa', unit: 255 })).toBe('map');
    expect(defaultQuantityOf({ name: 'Link 0 Status', unit: 255 })).toBeNull();
  });
});
