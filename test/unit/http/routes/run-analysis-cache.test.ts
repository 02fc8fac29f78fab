import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RunAnalysisCache } from '../../../../server/http/routes/run-analysis-cache.js';
import { importRunFile, NODE_RUN_FILE_SYSTEM, RunLibrary } from '../../../../server/runs/index.js';
import { writeCsvRunFile } from '../../../../server/runs/write-csv-run-file.js';

// The analysis cache over a real run library in a temp folder: series kept under a byte budget (oldest out first,
// counted), curves per option set, a run that leaves the library forgotten.

let dir: string;
let library: RunLibrary;
const fs = NODE_RUN_FILE_SYSTEM;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'jd-analysis-cache-'));
  library = new RunLibrary({ dir, fs, maxTotalBytes: 1e9, maxRuns: 100 });
  await library.load();
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A pull of `rows` rows at 20 ms: rpm 2000 → 8000, power rising then falling. */
async function addRun(rows: number, now: number): Promise<string> {
  const t = Float64Array.from({ length: rows }, (_, i) => i * 20);
  const rpm = t.map((_, i) => 2000 + (6000 * i) / rows);
  const power = rpm.map((r) => 80 * Math.sin((Math.PI * (r - 2000)) / 7000) + 5);
  const from = join(dir, `csv-${now}.tmp`);
  const series = {
    channels: [
      { name: 'RPM', quantity: 'rpm', unit: 'rpm', t, v: rpm },
      { name: 'Power', quantity: 'power', unit: 'kW', t, v: power },
    ],
  };
  await writeCsvRunFile({ fs, file: from, series, name: `run ${now}`, startedAt: now });
  const meta = await importRunFile({ library, fs, from, compression: 'none', now });
  await fs.unlink(from);
  return meta.id;
}

describe('RunAnalysisCache', () => {
  it('keeps series under its byte budget, oldest out first, and counts hits, misses and evictions', async () => {
    const a = await addRun(500, 1_700_000_000_000);
    const b = await addRun(500, 1_700_000_100_000);
    const cache = new RunAnalysisCache({ library, fs, maxSeriesBytes: 1000 * 16 + 100 });
    const first = await cache.series(a);
    expect(first.bytes).toBe(1000 * 16);
    expect(await cache.series(a)).toBe(first);
    expect(cache.stats()).toMatchObject({ series: 1, hits: 1, misses: 1, evicted: 0 });
    await cache.series(b);
    expect(cache.stats()).toMatchObject({ series: 1, seriesBytes: 1000 * 16, misses: 2, evicted: 1 });
    expect(await cache.series(a)).not.toBe(first);
    cache.dispose();
  });

  it('computes curves once per option set and forgets a run deleted from the library', async () => {
    const a = await addRun(800, 1_700_000_000_000);
    const cache = new RunAnalysisCache({ library, fs, maxCurves: 2 });
    const sae = await cache.curves(a, { correction: 'sae' });
    expect(await cache.curves(a, { correction: 'sae', smoothing: 0, x: 'rpm' })).toBe(sae);
    await cache.curves(a, { correction: 'din' });
    await cache.curves(a, { correction: 'none' });
    expect(cache.stats()).toMatchObject({ curves: 2, evicted: 1 });
    await library.delete(a);
    expect(cache.stats()).toMatchObject({ series: 0, seriesBytes: 0, curves: 0 });
    await expect(cache.curves(a, {})).rejects.toMatchObject({ code: 'RUN_NOT_FOUND' });
    cache.dispose();
  });
});
