import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createChannelMapping } from '../../../server/mapping/channel-mapping.js';
import { createMappingStore } from '../../../server/mapping/mapping-store.js';
import { createFakeChannelRegistry, populateSimulatorChannels } from '../../support/fake-channel-registry.js';
import { until } from '../../support/until.js';
import { ATMO_PROVIDER, DYNO_PROVIDER, SIMULATOR_CHANNELS } from '../../support/simulator-channels.js';

const dirs: string[] = [];
async function setup(options: { reevaluateMs?: number; now?: () => number } = {}) {
  const dataDir = await mkdtemp(join(tmpdir(), 'channel-mapping-'));
  dirs.push(dataDir);
  const registry = createFakeChannelRegistry();
  populateSimulatorChannels(registry);
  const store = await createMappingStore({ dataDir });
  const mapping = createChannelMapping({
    registry,
    store,
    options: { reevaluateMs: options.reevaluateMs ?? 5_000 },
    now: options.now,
  });
  const channel = (provider: string, name: string) => registry.getChannel(registry.keyOf(provider, name))!;
  return { registry, store, mapping, channel };
}

afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

describe('createChannelMapping', () => {
  it('resolves every simulator channel to its quantity automatically', async () => {
    const { mapping, channel } = await setup();
    for (const spec of SIMULATOR_CHANNELS) {
      expect(mapping.quantityOf(channel(spec.provider, spec.name)), spec.name).toBe(spec.quantity);
    }
    expect(mapping.summary()).toEqual({ mapped: SIMULATOR_CHANNELS.length, unmapped: 0, hidden: 0 });
  });

  it('applies overrides by provider and channel name: quantity, null quantity, hidden, unit, display name', async () => {
    const { mapping, channel } = await setup();
    await mapping.setOverrides(ATMO_PROVIDER, {
      Pressure: { quantity: 'map' },
      Humidity: { hidden: true },
      'Temperature 1': { quantity: null, display_name: 'Shop Air' },
    });
    await mapping.setOverrides(DYNO_PROVIDER, { MAP: { unit: 255 } });
    expect(mapping.quantityOf(channel(ATMO_PROVIDER, 'Pressure'))).toBe('map');
    expect(mapping.quantityOf(channel(ATMO_PROVIDER, 'Humidity'))).toBeNull();
    const temperature = mapping.resolve(channel(ATMO_PROVIDER, 'Temperature 1'));
    expect(temperature).toMatchObject({ quantity: null, source: 'override', displayName: 'Shop Air' });
    expect(temperature.suggestion.quantity).toBe('ambient_temp');
    const map = mapping.resolve(channel(DYNO_PROVIDER, 'MAP'));
    expect(map).toMatchObject({ unit: 255, unitLabel: '', quantity: 'map', source: 'auto' });
    expect(map.suggestion.reasons.join(' ')).toMatch(/unit byte 255/);
    expect(mapping.summary()).toEqual({ mapped: SIMULATOR_CHANNELS.length - 2, unmapped: 1, hidden: 1 });
  });

  it('emits changes$ when overrides change', async () => {
    const { mapping } = await setup();
    let changes = 0;
    const subscription = mapping.changes$.subscribe(() => changes++);
    await mapping.setOverrides(DYNO_PROVIDER, { TPS: { hidden: true } });
    await mapping.deleteOverrides(DYNO_PROVIDER, 'TPS');
    subscription.unsubscribe();
    expect(changes).toBe(2);
  });

  it('re-evaluates a cached suggestion from newer values and announces the change once', async () => {
    let now = 1_000;
    const { registry, mapping } = await setup({ now: () => now });
    registry.addProvider(0x7777, 'Power Core', [{ id: 39, name: 'Pressure', unit: 7 }]);
    const key = registry.keyOf('Power Core', 'Pressure');
    for (let i = 0; i < 20; i++) registry.push(key, 100.5, i);
    expect(mapping.quantityOf(registry.getChannel(key)!)).toBe('baro');

    let changes = 0;
    const subscription = mapping.changes$.subscribe(() => changes++);
    // The engine starts: this "Pressure" now swings with the throttle, so it is MAP.
    for (let i = 0; i < 20; i++) registry.push(key, 30 + i * 3, 100 + i);
    expect(mapping.quantityOf(registry.getChannel(key)!)).toBe('baro');
    now += 5_000;
    expect(mapping.quantityOf(registry.getChannel(key)!)).toBe('map');
    expect(mapping.quantityOf(registry.getChannel(key)!)).toBe('map');
    await Promise.resolve();
    subscription.unsubscribe();
    expect(changes).toBe(1);
  });

  it('rations the refresh of old guesses: a sweep over every channel recomputes a few, later sweeps the rest', async () => {
    let now = 1_000;
    const { registry, store } = await setup();
    const mapping = createChannelMapping({
      registry,
      store,
      options: { staleRefreshes: 4, staleWindowMs: 50 },
      now: () => now,
    });
    const specs = Array.from({ length: 10 }, (_, i) => ({ id: i + 1, name: `Pressure ${i}`, unit: 7 }));
    registry.addProvider(0x7777, 'Power Core', specs);
    const keys = specs.map((s) => registry.keyOf('Power Core', s.name));
    const sweep = () => keys.map((key) => mapping.quantityOf(registry.getChannel(key)!));
    for (const key of keys) for (let i = 0; i < 20; i++) registry.push(key, 100.5, i);
    expect(sweep()).toEqual(keys.map(() => 'baro'));
    // Every engine starts at once: each "Pressure" swings with the throttle and its guess ages past reevaluateMs.
    for (const key of keys) for (let i = 0; i < 20; i++) registry.push(key, 30 + i * 3, 100 + i);
    now += 5_000;
    expect(sweep().filter((q) => q === 'map')).toHaveLength(4);
    expect(sweep().filter((q) => q === 'map')).toHaveLength(4);
    now += 50;
    expect(sweep().filter((q) => q === 'map')).toHaveLength(8);
    now += 50;
    expect(sweep()).toEqual(keys.map(() => 'map'));
  });

  it('keeps every channel’s last quantity current from registry events and override changes', async () => {
    const { registry, mapping } = await setup();
    const quantityOf = (provider: string, name: string) =>
      [...mapping.lastQuantities()].find((q) => q.key === registry.keyOf(provider, name))?.quantity;
    expect([...mapping.lastQuantities()]).toHaveLength(SIMULATOR_CHANNELS.length);
    for (const spec of SIMULATOR_CHANNELS) expect(quantityOf(spec.provider, spec.name), spec.name).toBe(spec.quantity);
    await mapping.setOverrides(ATMO_PROVIDER, { Pressure: { quantity: 'map' }, Humidity: { hidden: true } });
    expect(quantityOf(ATMO_PROVIDER, 'Pressure')).toBe('map');
    expect(quantityOf(ATMO_PROVIDER, 'Humidity')).toBeNull();
    registry.addProvider(0x7779, 'Box', [{ id: 1, name: 'Engine RPM', unit: 8 }]);
    expect(quantityOf('Box', 'Engine RPM')).toBe('rpm');
  });

  it('keeps the summary current from registry events, with sibling evidence kept per provider', async () => {
    const { registry, mapping } = await setup();
    const before = mapping.summary();
    registry.addProvider(0x7779, 'Box', [
      { id: 1, name: 'Pressure', unit: 7 },
      { id: 2, name: 'Humidity', unit: 16 },
      { id: 3, name: 'Link 0 Status', unit: 255 },
    ]);
    expect(mapping.summary()).toEqual({ ...before, mapped: before.mapped + 2, unmapped: before.unmapped + 1 });
    const pressure = mapping.resolve(registry.getChannel(registry.keyOf('Box', 'Pressure'))!);
    expect(pressure.quantity).toBe('baro');
    expect(pressure.suggestion.reasons.join(' ')).toMatch(/atmospheric probe/);
  });

  it('announces changed suggestions at most every suggestionNoticeIntervalMs', async () => {
    let now = 1_000;
    const { registry, store } = await setup();
    const mapping = createChannelMapping({
      registry,
      store,
      options: { suggestionNoticeIntervalMs: 200 },
      now: () => now,
    });
    registry.addProvider(0x7777, 'Power Core', [
      { id: 1, name: 'Pressure', unit: 7 },
      { id: 2, name: 'Pressure 2', unit: 7 },
    ]);
    const keys = [registry.keyOf('Power Core', 'Pressure'), registry.keyOf('Power Core', 'Pressure 2')];
    for (const key of keys) for (let i = 0; i < 20; i++) registry.push(key, 100.5, i);
    for (const key of keys) expect(mapping.quantityOf(registry.getChannel(key)!)).toBe('baro');
    const notices: number[] = [];
    const subscription = mapping.changes$.subscribe(() => notices.push(performance.now()));
    // Both engines start: each "Pressure" swings with the throttle, so each flips to MAP on its next evaluation.
    for (const key of keys) for (let i = 0; i < 20; i++) registry.push(key, 30 + i * 3, 100 + i);
    now += 5_000;
    const first = performance.now();
    expect(mapping.quantityOf(registry.getChannel(keys[0])!)).toBe('map');
    await until(() => notices.length === 1, 1_000, 'the first notice');
    expect(mapping.quantityOf(registry.getChannel(keys[1])!)).toBe('map');
    await Promise.resolve();
    expect(notices).toHaveLength(1);
    now += 200;
    await until(() => notices.length === 2, 1_000, 'the second notice');
    expect(notices[1] - first).toBeGreaterThanOrEqual(150);
    subscription.unsubscribe();
  });

  it('works before a registry is attached (names and units only), and uses history after attach', async () => {
    const { registry, store } = await setup();
    const mapping = createChannelMapping({ store });
    registry.addProvider(0x7778, 'Bench', [{ id: 1, name: 'Channel 1', unit: 7 }]);
    const key = registry.keyOf('Bench', 'Channel 1');
    for (let i = 0; i < 20; i++) registry.push(key, 25 + i, i);
    const meta = registry.getChannel(key)!;
    expect(mapping.resolve({ ...meta, min: null, max: null }).suggestion.quantity).toBeNull();
    mapping.attach(registry);
    expect(mapping.quantityOf(meta)).toBe('map');
  });
});
