import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { NODE_RUN_FILE_SYSTEM, RunLibrary } from '../../../server/runs/index.js';
import { startMetadata } from '../../../server/runs/start-metadata.js';
import { FIXTURE_DYNO, syntheticRun, writeRunFile } from '../../support/replay-fixtures.js';

let dir: string | null = null;
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
  dir = null;
});

const id = (i: number) => `2026010${i}T120000Z-00000${i}`;

async function libraryWith(caps: { maxRuns: number; maxTotalBytes: number }) {
  dir = await mkdtemp(join(tmpdir(), 'jd-runlib-'));
  const library = new RunLibrary({ dir, fs: NODE_RUN_FILE_SYSTEM, ...caps });
  await library.load();
  const add = async (i: number, size: number, pinned = false) => {
    await writeFile(library.fileOf(id(i)), new Uint8Array(size));
    const meta = startMetadata({ id: id(i), name: `run ${i}`, startedAt: Date.UTC(2026, 0, i, 12), reason: 'auto' });
    await library.add({ ...meta, pinned, endedAt: meta.startedAt + 10_000 }, size);
  };
  return { library, add, files: async () => (await readdir(library.dir)).filter((n) => n.endsWith('.mcap')).sort() };
}

describe('RunLibrary retention', () => {
  it('over the count cap removes the oldest unpinned runs first and never a pinned one', async () => {
    const { library, add, files } = await libraryWith({ maxRuns: 3, maxTotalBytes: 1e9 });
    await add(1, 10, true);
    await add(2, 10);
    await add(3, 10);
    await add(4, 10);
    await add(5, 10);
    expect(await files()).toEqual([id(1), id(4), id(5)].map((x) => `${x}.mcap`));
    expect(library.list({ offset: 0, limit: 10 }).runs.map((r) => r.id)).toEqual([id(5), id(4), id(1)]);
    expect(library.stats().removedByRetention).toBe(2);
  });

  it('over the size cap removes the oldest unpinned until the total fits', async () => {
    const { library, add, files } = await libraryWith({ maxRuns: 100, maxTotalBytes: 2500 });
    await add(1, 1000);
    await add(2, 1000, true);
    await add(3, 1000);
    expect(await files()).toEqual([id(2), id(3)].map((x) => `${x}.mcap`));
    await library.update(id(3), { pinned: true });
    await add(4, 1000);
    // Only pinned runs are left to remove: the library stays over its cap rather than remove one.
    expect(await files()).toEqual([id(2), id(3), id(4)].map((x) => `${x}.mcap`));
  });

  it('keeps edits across a reload (index file) and filters by text, date and profile', async () => {
    const { library, add } = await libraryWith({ maxRuns: 100, maxTotalBytes: 1e9 });
    await add(1, 10);
    await add(2, 10);
    await library.update(id(1), { name: 'Baseline stock', notes: 'before the pipe' });
    const again = new RunLibrary({ dir: library.dir, fs: NODE_RUN_FILE_SYSTEM, maxRuns: 100, maxTotalBytes: 1e9 });
    await again.load();
    expect(again.get(id(1))).toMatchObject({ name: 'Baseline stock', notes: 'before the pipe' });
    expect(again.list({ offset: 0, limit: 10, q: 'PIPE' }).runs.map((r) => r.id)).toEqual([id(1)]);
    expect(again.list({ offset: 0, limit: 10, from: '2026-01-02' }).runs.map((r) => r.id)).toEqual([id(2)]);
    expect(again.list({ offset: 0, limit: 10, profile: 'm8_114' }).total).toBe(0);
    expect(() => again.list({ offset: 0, limit: 10, from: 'yesterday' })).toThrow(/query.from/);
  });
});

describe('RunLibrary, files from elsewhere', () => {
  it('lists a run file whose metadata lacks fields (another hub, an older version) with their empty values', async () => {
    dir = await mkdtemp(join(tmpdir(), 'jd-runlib-'));
    const runId = '20261130T030000Z-00aa00';
    const run = syntheticRun(FIXTURE_DYNO, { startNs: 1_764_471_600_000_000_000n, durationMs: 400, periodMs: 20 });
    // Only an id, a name, a datagram count and a mistyped pinned flag in its metadata record.
    await writeRunFile(join(dir, `${runId}.mcap`), run, { name: 'Old hub', metadata: { pinned: 'yes' } });
    const library = new RunLibrary({ dir, fs: NODE_RUN_FILE_SYSTEM, maxRuns: 10, maxTotalBytes: 1e9 });
    await library.load();
    const [listed] = library.list({ offset: 0, limit: 10 }).runs;
    expect(listed).toMatchObject({ id: runId, name: 'Old hub', providers: [], pinned: false, profile: null });
    expect(library.get(runId)).toMatchObject({ id: runId, channels: [], stats: null, notes: '' });
    // Reloaded from the index the library wrote, the same.
    const again = new RunLibrary({ dir, fs: NODE_RUN_FILE_SYSTEM, maxRuns: 10, maxTotalBytes: 1e9 });
    await again.load();
    expect(again.list({ offset: 0, limit: 10 }).runs).toEqual([listed]);
  });
});
