import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ProviderOverrides } from '../../../server/mapping/channel-override.js';
import { createMappingStore, MappingStoreError } from '../../../server/mapping/mapping-store.js';
import { FULL_DISK_FILE_SYSTEM } from '../../support/full-disk-file-system.js';

const dirs: string[] = [];
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'mapping-store-'));
  dirs.push(dir);
  return dir;
}

afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

describe('createMappingStore', () => {
  it('starts empty without a file and creates the data directory on the first save', async () => {
    const dataDir = join(await tempDir(), 'nested', 'data');
    const store = await createMappingStore({ dataDir });
    expect(store.providers()).toEqual([]);
    expect(store.status()).toMatchObject({ corrupt: null, readError: null, saves: 0 });
    await store.set('Power Core', { Pressure: { quantity: 'baro' } });
    const file = JSON.parse(await readFile(join(dataDir, 'channel-mapping.json'), 'utf8'));
    expect(file).toMatchObject({ version: 1, providers: { 'Power Core': { Pressure: { quantity: 'baro' } } } });
    expect(store.status().saves).toBe(1);
  });

  it('reloads what it saved and leaves no temp files behind', async () => {
    const dataDir = await tempDir();
    const first = await createMappingStore({ dataDir });
    await Promise.all([
      first.set('A', { 'Digital RPM 1': { display_name: 'Engine' } }),
      first.set('B', { Humidity: { hidden: true } }),
      first.set('A', { 'Digital RPM 1': { display_name: 'Engine RPM' }, MAP: { unit: 7, quantity: null } }),
    ]);
    expect(await readdir(dataDir)).toEqual(['channel-mapping.json']);
    const second = await createMappingStore({ dataDir });
    expect(second.get('A')).toEqual({
      'Digital RPM 1': { display_name: 'Engine RPM' },
      MAP: { unit: 7, quantity: null },
    });
    expect(second.get('B')).toEqual({ Humidity: { hidden: true } });
  });

  it('deletes one channel, then the provider; false when there is nothing to delete', async () => {
    const store = await createMappingStore({ dataDir: await tempDir() });
    await store.set('A', { X: { hidden: true }, Y: { hidden: false } });
    expect(await store.delete('A', 'X')).toBe(true);
    expect(store.get('A')).toEqual({ Y: { hidden: false } });
    expect(await store.delete('A', 'X')).toBe(false);
    expect(await store.delete('A', 'Y')).toBe(true);
    expect(store.get('A')).toBeUndefined();
    expect(await store.delete('A')).toBe(false);
  });

  it('moves a file that is not JSON aside, reports it and starts empty', async () => {
    const dataDir = await tempDir();
    await writeFile(join(dataDir, 'channel-mapping.json'), 'not json at all');
    const store = await createMappingStore({ dataDir });
    const { corrupt } = store.status();
    expect(corrupt).not.toBeNull();
    expect(corrupt!.error).toMatch(/JSON/);
    expect(await readFile(corrupt!.movedTo!, 'utf8')).toBe('not json at all');
    expect(store.providers()).toEqual([]);
  });

  it('treats a file of the wrong shape as corrupt, naming the bad field', async () => {
    const dataDir = await tempDir();
    await writeFile(
      join(dataDir, 'channel-mapping.json'),
      JSON.stringify({ version: 1, providers: { A: { MAP: { quantity: 'warp' } } } }),
    );
    const store = await createMappingStore({ dataDir });
    expect(store.status().corrupt!.error).toMatch(/^providers\.A\.MAP\.quantity: /);
  });

  it('enforces its limits with a clear error', async () => {
    const store = await createMappingStore({ dataDir: await tempDir(), maxProviders: 1, maxChannelsPerProvider: 2 });
    await expect(store.set('A', { X: {}, Y: {}, Z: {} })).rejects.toThrow(/3 channel overrides; the limit is 2/);
    await store.set('A', { X: { hidden: true } });
    const error = await store.set('B', { X: { hidden: true } }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(MappingStoreError);
    expect((error as MappingStoreError).code).toBe('MAPPING_LIMIT_EXCEEDED');
  });

  it('refuses to save over a path it could not read', async () => {
    const dataDir = await tempDir();
    // A directory where the file should be: unreadable as a file (EISDIR), like a permissions problem.
    await mkdir(join(dataDir, 'channel-mapping.json'));
    await writeFile(join(dataDir, 'channel-mapping.json', 'keep'), 'precious');
    const store = await createMappingStore({ dataDir });
    expect(store.status().readError).toMatch(/cannot read/);
    await expect(store.set('A', { X: { hidden: true } })).rejects.toMatchObject({ code: 'MAPPING_STORE_UNAVAILABLE' });
    expect(await readFile(join(dataDir, 'channel-mapping.json', 'keep'), 'utf8')).toBe('precious');
  });

  it('emits changes$ after each successful save', async () => {
    const store = await createMappingStore({ dataDir: await tempDir() });
    let changes = 0;
    const subscription = store.changes$.subscribe(() => changes++);
    await store.set('A', { X: { hidden: true } });
    await store.delete('A');
    subscription.unsubscribe();
    expect(changes).toBe(2);
  });
});

describe('createMappingStore: files that outlive a crash or a full disk', () => {
  it('removes temp files left by writers that are gone, and keeps those of a live writer', async () => {
    const dataDir = await tempDir();
    const dead = 'channel-mapping.json.4194305.0badcafe.tmp';
    const ours = `channel-mapping.json.${process.pid}.00c0ffee.tmp`;
    const live = `channel-mapping.json.${process.ppid}.0000beef.tmp`;
    for (const name of [dead, ours, live, 'other.json.1.tmp']) await writeFile(join(dataDir, name), '');
    const store = await createMappingStore({ dataDir });
    expect(store.status().orphansRemoved).toBe(2);
    expect((await readdir(dataDir)).sort()).toEqual([live, 'other.json.1.tmp']);
  });

  it('a write failing with ENOSPC leaves no temp file, says ENOSPC and what to do, and changes nothing', async () => {
    const dataDir = await tempDir();
    await (await createMappingStore({ dataDir })).set('A', { MAP: { unit: 7 } });
    const store = await createMappingStore({ dataDir, fs: FULL_DISK_FILE_SYSTEM });
    const failed = store.set('A', { MAP: { hidden: true } });
    await expect(failed).rejects.toThrow(MappingStoreError);
    await expect(failed).rejects.toThrow(/ENOSPC — the disk is full: free space on it, or point DATA_DIR/);
    expect(await readdir(dataDir)).toEqual(['channel-mapping.json']);
    expect(store.get('A')).toEqual({ MAP: { unit: 7 } });
    expect(store.status().lastSaveError).toMatch(/ENOSPC/);
    const reloaded = await createMappingStore({ dataDir });
    expect(reloaded.get('A')).toEqual({ MAP: { unit: 7 } });
  });

  it('keeps "__proto__" as a provider and a channel name across a restart; "toString" is no override', async () => {
    const dataDir = await tempDir();
    const store = await createMappingStore({ dataDir });
    const overrides = JSON.parse('{"__proto__": {"hidden": true}, "MAP": {"unit": 7}}') as ProviderOverrides;
    await store.set('__proto__', overrides);
    expect(await store.delete('__proto__', 'toString')).toBe(false);
    expect(await store.delete('toString')).toBe(false);
    const reloaded = await createMappingStore({ dataDir });
    expect(reloaded.providers()).toEqual(['__proto__']);
    const again = reloaded.get('__proto__');
    expect(again && Object.keys(again).sort()).toEqual(['MAP', '__proto__']);
    expect(again && Object.hasOwn(again, 'toString')).toBe(false);
    expect(await reloaded.delete('__proto__', '__proto__')).toBe(true);
    expect(reloaded.get('__proto__')).toEqual({ MAP: { unit: 7 } });
  });
});
