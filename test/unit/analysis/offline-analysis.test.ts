import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type AnalysisSummary, analysisStartSchema } from '@jetdrive-hub/client/contract';
import { Subject } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AnalysisRegistry, createAnalysisRegistry } from '../../../server/analysis/analysis-registry.js';
import { analysisSettingsOf, analysisTablesOf } from '../../../server/analysis/analysis-tables.js';
import { analysisGridOf } from '../../../server/analysis/grid-publisher.js';
import { LiveAnalysis } from '../../../server/analysis/live-analysis.js';
import type { AnalysisRunSource, RunDescription } from '../../../server/analysis/run-channels.js';
import type { CatalogEvent, CatalogSnapshot, SampleBatch } from '../../../server/channels/index.js';
import { NODE_RUN_FILE_SYSTEM } from '../../../server/runs/index.js';
import { readRunSeries } from '../../../server/runs/read-run-series.js';
import {
  liveBatches,
  RUN_HOST,
  runCatalog,
  runDatagrams,
  simulatedPulls,
  writeSimulatedRun,
} from '../../support/analysis-run-fixture.js';
import type { FixtureDatagram } from '../../support/replay-fixtures.js';
import { until } from '../../support/until.js';

// Runs from the library analysed offline: simulated pulls written as run files, read back with readRunSeries and fed
// through the same LiveAnalysis as the live registry's batches. The grid must equal the grid a live analysis of the
// same datagrams builds, two runs must add up, and the feed must give the event loop its turns.

const RUN_A = '20261130T030000Z-00000a';
const RUN_B = '20261130T031000Z-00000b';
let dir: string;
const datagrams = new Map<string, FixtureDatagram[]>();

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'jd-offline-'));
  const a = simulatedPulls({ scenario: 'lean', pulls: 5 });
  const b = simulatedPulls({ scenario: 'lean', pulls: 3, seed: 7, firstPull: 2 });
  datagrams.set(RUN_A, runDatagrams(a.frames, 1_764_471_600_000_000_000n));
  datagrams.set(RUN_B, runDatagrams(b.frames, 1_764_472_200_000_000_000n));
  for (const [id, d] of datagrams) await writeSimulatedRun(join(dir, `${id}.mcap`), d, `run ${id.slice(-1)}`);
}, 60_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function source(reads: string[] = []): AnalysisRunSource {
  return {
    describe(id): RunDescription {
      if (!datagrams.has(id))
        throw Object.assign(new Error(`id: no run "${id}" in the library`), { code: 'RUN_NOT_FOUND' });
      return {
        name: `run ${id.slice(-1)}`,
        providers: [{ hostId: RUN_HOST, name: 'Simulated Dyno' }],
        channels: runCatalog(),
      };
    },
    async read(id) {
      reads.push(id);
      return (await readRunSeries(NODE_RUN_FILE_SYSTEM, join(dir, `${id}.mcap`))).series;
    },
  };
}

function registry(runs: AnalysisRunSource, options: { feedSliceMs?: number; maxRunsPerAnalysis?: number } = {}) {
  const providers: never[] = [];
  return createAnalysisRegistry({
    registry: {
      samples$: new Subject<SampleBatch>(),
      events$: new Subject<CatalogEvent>(),
      providers: () => providers,
      catalog: () => ({ version: 1, providers, channels: [] }) as unknown as CatalogSnapshot,
    },
    quantityOf: () => null,
    runs,
    options,
  });
}

const start = (r: AnalysisRegistry, body: Record<string, unknown>): AnalysisSummary =>
  r.start(analysisStartSchema.parse({ load: 'map', ...body }));

async function finished(r: AnalysisRegistry, id: string): Promise<AnalysisSummary> {
  await until(() => r.list().find((a) => a.id === id)?.status === 'stopped', 20_000, 'the offline analysis to finish');
  return r.list().find((a) => a.id === id) as AnalysisSummary;
}

/** A live analysis (the registry's path) of the same datagrams, fed as the registry's batches. */
function liveGrid(runs: string[]) {
  const samples$ = new Subject<SampleBatch>();
  const request = analysisStartSchema.parse({ provider: RUN_HOST, load: 'map' });
  const key = (id: number) => `${RUN_HOST}:${id}`;
  const live = new LiveAnalysis({
    id: 'an_live',
    name: 'live',
    provider: { hostId: RUN_HOST, name: 'Simulated Dyno' },
    load: 'map',
    channels: {
      rpm: key(1),
      load: key(11),
      tps: key(12),
      engineTemp: key(13),
      banks: [
        { name: 'front', key: key(8), quantity: 'afr_front' },
        { name: 'rear', key: key(9), quantity: 'afr_rear' },
      ],
    },
    settings: analysisSettingsOf(request),
    tables: analysisTablesOf(request),
    samples$,
    now: () => 0,
  });
  // Runs one after another, each starting a minute after the previous one's last sample (the offline feed's gap).
  let clock = 0;
  for (const id of runs) {
    const batches = liveBatches(datagrams.get(id) ?? []);
    const offset = clock - batches[0].times[0];
    for (const b of batches) {
      for (let i = 0; i < b.count; i++) b.times[i] += offset;
      samples$.next(b);
    }
    clock = (batches.at(-1)?.times[0] ?? 0) + 60_000;
  }
  return analysisGridOf(live, 0);
}

describe('offline analysis of runs from the library', () => {
  it('answers at once, then feeds the run: the grid equals a live analysis of the same datagrams', async () => {
    const reads: string[] = [];
    const r = registry(source(reads));
    const started = start(r, { run: RUN_A });
    expect(started).toMatchObject({ source: 'runs', status: 'running', provider: { hostId: RUN_HOST } });
    expect(started.runs).toEqual([{ id: RUN_A, name: 'run a', status: 'reading', readings: 0, error: null }]);
    expect(started.channels.banks.map((b) => b.name)).toEqual(['front', 'rear']);
    const done = await finished(r, started.id);
    expect(done.runs[0]).toMatchObject({ status: 'done', error: null });
    expect(done.runs[0].readings).toBeGreaterThan(1000);
    expect(reads).toEqual([RUN_A]);

    const offline = r.grid(started.id);
    const live = liveGrid([RUN_A]);
    expect(offline.counts).toEqual(live.counts);
    expect(offline.counts.accepted).toBeGreaterThan(500);
    expect(offline.banks).toEqual(live.banks);
    expect(offline.banks[0].suggestedVe.filter((v) => v !== null).length).toBeGreaterThan(10);
    expect(r.exportTable(started.id, 'hits', 'rear').csv).toContain('rpm\\MAP (kPa),20,30');
  }, 30_000);

  it('accumulates two runs: hits and counts add up, the grid equals a live analysis of both in turn', async () => {
    const r = registry(source());
    const one = (id: string) => finished(r, start(r, { run: id }).id);
    const [a, b] = [await one(RUN_A), await one(RUN_B)];
    const first = start(r, { runs: [RUN_A] });
    await finished(r, first.id);
    const both = r.addRuns(first.id, [RUN_B]);
    expect(both.status).toBe('running');
    const summary = await finished(r, first.id);
    expect(summary.runs.map((x) => [x.id, x.status])).toEqual([
      [RUN_A, 'done'],
      [RUN_B, 'done'],
    ]);
    const hits = (id: string) => r.grid(id).banks.map((bank) => bank.hits);
    const [ha, hb, hab] = [hits(a.id), hits(b.id), hits(first.id)];
    expect(hab).toEqual(ha.map((bank, i) => bank.map((h, k) => h + hb[i][k])));
    expect(summary.counts.samples).toBe(a.counts.samples + b.counts.samples);
    expect(summary.counts.accepted).toBe(a.counts.accepted + b.counts.accepted);
    // The live analysis of the two runs' datagrams in turn (a gap between them) gives the same cells.
    expect(r.grid(first.id).banks).toEqual(liveGrid([RUN_A, RUN_B]).banks);
  }, 60_000);

  it('refuses what it cannot do, naming the field', () => {
    const r = registry(source(), { maxRunsPerAnalysis: 2 });
    expect(() => start(r, { runs: [RUN_A, RUN_B, RUN_A] })).toThrow(
      expect.objectContaining({ code: 'TOO_MANY_RUNS', status: 429, field: 'runs' }),
    );
    expect(() => start(r, { run: '20261130T000000Z-ffffff' })).toThrow(
      expect.objectContaining({ code: 'RUN_NOT_FOUND' }),
    );
    expect(() => analysisStartSchema.parse({ load: 'map', provider: 'x', run: RUN_A })).toThrow(/either a provider/);
    expect(() => analysisStartSchema.parse({ load: 'map' })).toThrow(/either a provider/);
    const noLibrary = createAnalysisRegistry({
      registry: {
        samples$: new Subject<SampleBatch>(),
        events$: new Subject<CatalogEvent>(),
        providers: () => [],
        catalog: () => ({ version: 1, providers: [], channels: [] }) as unknown as CatalogSnapshot,
      },
      quantityOf: () => null,
    });
    expect(() => start(noLibrary, { run: RUN_A })).toThrow(
      expect.objectContaining({ code: 'VALIDATION_FAILED', field: 'runs' }),
    );
  });

  it('a live analysis takes no runs', () => {
    const r = registry(source());
    const samples$ = new Subject<SampleBatch>();
    const live = createAnalysisRegistry({
      registry: {
        samples$,
        events$: new Subject<CatalogEvent>(),
        providers: () => [{ hostId: RUN_HOST, name: 'Dyno', online: true }] as never,
        catalog: () =>
          ({
            version: 1,
            providers: [],
            channels: runCatalog().map((c) => ({
              key: `${c.hostId}:${c.channelId}`,
              providerId: c.hostId,
              channelId: c.channelId,
            })),
          }) as unknown as CatalogSnapshot,
      },
      quantityOf: (c) => runCatalog().find((x) => x.channelId === c.channelId)?.quantity ?? null,
      runs: source(),
    });
    const { id } = start(live, { provider: RUN_HOST });
    expect(() => live.addRuns(id, [RUN_A])).toThrow(expect.objectContaining({ code: 'ANALYSIS_IS_LIVE', status: 409 }));
    r.dispose();
    live.dispose();
  });

  it('feeds in slices: the event loop gets a turn at least every feedSliceMs of feeding', async () => {
    const r = registry(source(), { feedSliceMs: 1 });
    const { id } = start(r, { run: RUN_A });
    let ticks = 0;
    const timer = setInterval(() => ticks++, 0);
    await finished(r, id);
    clearInterval(timer);
    const { feeds } = r.stats();
    expect(feeds.yields).toBeGreaterThan(3);
    expect(feeds.longestSliceMs).toBeGreaterThan(0);
    // Timers ran while the run was fed, not only after it.
    expect(ticks).toBeGreaterThan(1);
  }, 30_000);

  it('a stop cancels the runs not fed yet; runs added later are fed on a clock after the last one', async () => {
    const r = registry(source(), { feedSliceMs: 0 });
    const { id } = start(r, { runs: [RUN_A, RUN_B] });
    // A zero slice yields after every batch: the stop lands while run A is being fed.
    await until(() => (r.list()[0]?.runs[0].readings ?? 0) > 0, 10_000, 'run A feeding');
    const stopped = r.stop(id);
    expect(stopped.status).toBe('stopped');
    expect(stopped.runs.map((x) => x.status)).toEqual(['cancelled', 'cancelled']);
    const partial = r.grid(id).counts.samples;
    expect(partial).toBeGreaterThan(0);
    r.addRuns(id, [RUN_B]);
    const done = await finished(r, id);
    expect(done.runs.map((x) => x.status)).toEqual(['cancelled', 'cancelled', 'done']);
    // Run B's samples came after run A's on the feed clock: none is refused as going back in time.
    expect(r.grid(id).counts.invalid).toBe(0);
    expect(r.grid(id).counts.samples).toBeGreaterThan(partial);
  }, 30_000);
});
