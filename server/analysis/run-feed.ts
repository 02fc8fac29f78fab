import type { AnalysisChannels, AnalysisRunState } from '@jetdrive-hub/client/contract';
import { Subject } from 'rxjs';
import type { SampleBatch } from '../channels/index.js';
import type { RunSeries } from '../curves/index.js';
import { createLogger } from '../log.js';
import { type AnalysisRunSource, seriesColumnsOf } from './run-channels.js';

// Runs of the library fed through an analysis as if they were live: each run's channels merged into time order and
// cut into sample batches at timestamp boundaries (as datagrams are), so LiveAnalysis folds them exactly as it folds
// the registry's batches. Runs are fed one after another, each on a clock that starts a gap after the previous run's
// last sample, so no lag or steady-state lookup reaches back into another run. The work is cut into slices of at most
// sliceMs, the event loop getting a turn between them: a long run never holds the hub up.

const log = createLogger('analysis');

export interface RunFeedOptions {
  source: AnalysisRunSource;
  /** The analysis' channels, keyed by quantity (resolveRunChannels). */
  channels: AnalysisChannels;
  /** The host id the batches carry (the analysis' provider). */
  hostId: number;
  /** Longest stretch of feeding between two turns of the event loop, ms. */
  sliceMs: number;
  /** Time between two runs on the feed clock, ms: longer than any lag or window, so a run starts without history. */
  gapMs: number;
  /** A new run starts: the analysis forgets its latest readings. */
  onRunStart: () => void;
  /** Every queued run is fed (or failed, or cancelled). */
  onIdle: () => void;
  /** Gives the event loop a turn (setImmediate). */
  yieldNow?: () => Promise<void>;
  now?: () => number;
}

/** Records per batch before a cut at the next timestamp; a batch never passes MAX_BATCH. */
const BATCH_RECORDS = 256;
const MAX_BATCH = 4096;

interface Column {
  key: string;
  t: Float64Array;
  v: Float64Array;
  i: number;
}

function emptyBatch(hostId: number): SampleBatch & { keys: string[] } {
  return {
    providerId: hostId,
    receivedAt: 0,
    count: 0,
    keys: new Array<string>(MAX_BATCH).fill(''),
    channelIds: new Uint16Array(MAX_BATCH),
    times: new Float64Array(MAX_BATCH),
    values: new Float32Array(MAX_BATCH),
    providerTs: new Uint32Array(MAX_BATCH),
  };
}

/** The column whose next sample comes first (-1 when every column is done). */
function nextColumn(columns: readonly Column[]): number {
  let best = -1;
  let bestT = Number.POSITIVE_INFINITY;
  for (let c = 0; c < columns.length; c++) {
    const col = columns[c];
    if (col.i < col.t.length && col.t[col.i] < bestT) {
      bestT = col.t[col.i];
      best = c;
    }
  }
  return best;
}

export class RunFeed {
  readonly batches$ = new Subject<SampleBatch>();
  readonly #o: RunFeedOptions;
  readonly #runs: AnalysisRunState[] = [];
  readonly #batch: SampleBatch & { keys: string[] };
  readonly #yield: () => Promise<void>;
  readonly #now: () => number;
  #next = 0;
  /** The generation of the drain in progress (-1 when none): a cancelled one ends at its next turn. */
  #draining = -1;
  /** Bumped by cancel(): a feed in progress stops at its next slice. */
  #generation = 0;
  #clock = 0;
  #longestSliceMs = 0;
  #yields = 0;

  constructor(options: RunFeedOptions) {
    this.#o = options;
    this.#batch = emptyBatch(options.hostId);
    this.#yield = options.yieldNow ?? (() => new Promise((resolve) => setImmediate(resolve)));
    this.#now = options.now ?? (() => performance.now());
  }

  /** The runs and their states, in feed order. */
  states(): AnalysisRunState[] {
    return this.#runs.map((r) => ({ ...r }));
  }

  /** True while runs are being read or fed. */
  get busy(): boolean {
    return this.#draining === this.#generation;
  }

  /** The longest stretch fed without a turn of the event loop (ms; reading the file is the reader's) and the turns. */
  stats(): { longestSliceMs: number; yields: number } {
    return { longestSliceMs: this.#longestSliceMs, yields: this.#yields };
  }

  /** Queues runs (the caller has checked that they exist and that maxRuns allows them) and starts feeding. */
  add(runs: readonly { id: string; name: string }[]): void {
    for (const r of runs) this.#runs.push({ id: r.id, name: r.name, status: 'queued', readings: 0, error: null });
    if (this.#draining !== this.#generation) void this.#drain();
  }

  /** Stops feeding: the run in progress and the queued ones are cancelled (their readings so far stay in the grid). */
  cancel(): void {
    this.#generation++;
    for (const r of this.#runs)
      if (r.status === 'queued' || r.status === 'reading' || r.status === 'feeding') {
        r.status = 'cancelled';
      }
    this.#next = this.#runs.length;
  }

  dispose(): void {
    this.cancel();
    this.batches$.complete();
  }

  async #drain(): Promise<void> {
    const generation = this.#generation;
    this.#draining = generation;
    while (this.#next < this.#runs.length && generation === this.#generation) {
      const run = this.#runs[this.#next++];
      try {
        run.status = 'reading';
        const series = await this.#o.source.read(run.id);
        if (generation !== this.#generation) break;
        run.status = 'feeding';
        await this.#feed(run, series, generation);
        if (generation === this.#generation) run.status = 'done';
      } catch (error) {
        run.status = 'failed';
        run.error = error instanceof Error ? error.message : String(error);
        log.warn({ run: run.id, err: run.error }, 'offline analysis: run %s not analysed', run.id);
      }
    }
    if (this.#draining !== generation) return;
    this.#draining = -1;
    if (generation === this.#generation) this.#o.onIdle();
  }

  async #feed(run: AnalysisRunState, series: RunSeries, generation: number): Promise<void> {
    const columns: Column[] = seriesColumnsOf(series, this.#o.channels).map((c) => ({ ...c, i: 0 }));
    let first = Number.POSITIVE_INFINITY;
    for (const c of columns) if (c.t.length > 0) first = Math.min(first, c.t[0]);
    if (!Number.isFinite(first)) return;
    const offset = this.#clock - first;
    this.#o.onRunStart();
    const rpmKey = this.#o.channels.rpm;
    let sliceStart = this.#now();
    for (;;) {
      const fed = this.#fillBatch(columns, offset, rpmKey);
      if (fed.records === 0) break;
      run.readings += fed.readings;
      // The next run (or one added after a cancel) starts a gap after what was fed.
      this.#clock = fed.lastT + this.#o.gapMs;
      this.batches$.next(this.#batch);
      const spent = this.#now() - sliceStart;
      if (spent < this.#o.sliceMs) continue;
      this.#longestSliceMs = Math.max(this.#longestSliceMs, spent);
      this.#yields++;
      await this.#yield();
      if (generation !== this.#generation) return;
      sliceStart = this.#now();
    }
    this.#longestSliceMs = Math.max(this.#longestSliceMs, this.#now() - sliceStart);
  }

  /** Fills the batch with the next records in time order, cut at a timestamp boundary. */
  #fillBatch(columns: Column[], offset: number, rpmKey: string): { records: number; readings: number; lastT: number } {
    const b = this.#batch;
    let n = 0;
    let readings = 0;
    let lastT = Number.NaN;
    for (;;) {
      const c = nextColumn(columns);
      if (c < 0) break;
      const col = columns[c];
      const t = col.t[col.i] + offset;
      if ((n >= BATCH_RECORDS && t !== lastT) || n >= MAX_BATCH) break;
      b.keys[n] = col.key;
      b.times[n] = t;
      b.values[n] = col.v[col.i];
      if (col.key === rpmKey) readings++;
      col.i++;
      lastT = t;
      n++;
    }
    b.count = n;
    return { records: n, readings, lastT };
  }
}
