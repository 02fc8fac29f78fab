import type { Subscription } from 'rxjs';
import {
  type CurveOptions,
  compareRuns,
  guessQuantity,
  computeRunCurves,
  type RunComparison,
  type RunCurves,
  resolveCurveOptions,
} from '../../curves/index.js';
import type { RunFileSystem, RunLibrary } from '../../runs/index.js';
import {
  type ReadRunSeriesLimits,
  type RecordedQuantityResolver,
  readRunSeries,
  type RunSeriesRead,
} from '../../runs/read-run-series.js';

// The run analysis a run's viewers share: its decoded series and its curves per option set, computed once and kept
// in memory in two LRUs (series by bytes, curves by count). In memory rather than beside the run file: a finished
// run file never changes (the library's edits live in its index), the library owns its folder (retention and delete
// would leave cached files behind), and a run decodes in milliseconds, so a restart losing the cache costs little.
// Entries of a run that left the library are dropped.

export interface RunAnalysisCacheOptions {
  library: RunLibrary;
  fs: RunFileSystem;
  /** For a channel the run's stored catalog left unmapped; default: what its name and unit make unambiguous. */
  resolveQuantity?: RecordedQuantityResolver;
  /** Decoded series kept, by the bytes of their times and values. Default 64 MiB. */
  maxSeriesBytes?: number;
  /** Curve sets kept (one per run and option set). Default 128. */
  maxCurves?: number;
  limits?: Partial<ReadRunSeriesLimits>;
}

export interface RunAnalysisCacheStats {
  series: number;
  seriesBytes: number;
  curves: number;
  hits: number;
  misses: number;
  /** Entries pushed out by the bounds (not those dropped because their run left or the mapping changed). */
  evicted: number;
}

function curvesKey(id: string, options: CurveOptions): string {
  const o = resolveCurveOptions(options);
  return [id, o.correction, o.smoothing, o.x, o.units, o.binWidth].join('|');
}

export class RunAnalysisCache {
  readonly #o: RunAnalysisCacheOptions;
  readonly #maxSeriesBytes: number;
  readonly #maxCurves: number;
  readonly #series = new Map<string, RunSeriesRead>();
  readonly #reading = new Map<string, Promise<RunSeriesRead>>();
  readonly #curves = new Map<string, RunCurves>();
  readonly #subscriptions: Subscription[] = [];
  #seriesBytes = 0;
  #hits = 0;
  #misses = 0;
  #evicted = 0;
  #generation = 0;

  constructor(options: RunAnalysisCacheOptions) {
    this.#o = options;
    this.#maxSeriesBytes = options.maxSeriesBytes ?? 64 * 1024 * 1024;
    this.#maxCurves = options.maxCurves ?? 128;
    this.#subscriptions.push(options.library.changes$.subscribe(() => this.#dropGone()));
  }

  /** The run's decoded series (RUN_NOT_FOUND when the library has no such run). */
  async series(id: string): Promise<RunSeriesRead> {
    const { file } = this.#o.library.download(id);
    const cached = this.#touch(this.#series, id);
    if (cached) return cached;
    const pending = this.#reading.get(id);
    if (pending) return pending;
    this.#misses++;
    const generation = this.#generation;
    const reading = readRunSeries(this.#o.fs, file, {
      resolveQuantity: this.#o.resolveQuantity ?? ((c, taken) => guessQuantity(c.name, c.unit, taken)),
      ...(this.#o.limits ? { limits: this.#o.limits } : {}),
    }).finally(() => this.#reading.delete(id));
    this.#reading.set(id, reading);
    const read = await reading;
    // A mapping change while it was read: the answer stands, the cache does not keep it.
    if (generation === this.#generation && this.#o.library.has(id)) this.#keepSeries(id, read);
    return read;
  }

  async curves(id: string, options: CurveOptions): Promise<RunCurves> {
    const key = curvesKey(id, options);
    const cached = this.#touch(this.#curves, key);
    if (cached) return cached;
    const { series } = await this.series(id);
    const curves = computeRunCurves(series, options);
    this.#curves.set(key, curves);
    while (this.#curves.size > this.#maxCurves) this.#evictOldest(this.#curves);
    return curves;
  }

  async compare(ids: readonly string[], options: CurveOptions): Promise<RunComparison> {
    const inputs = [];
    for (const id of ids) inputs.push({ id, series: (await this.series(id)).series });
    return compareRuns(inputs, options);
  }

  clear(): void {
    this.#generation++;
    this.#series.clear();
    this.#curves.clear();
    this.#seriesBytes = 0;
  }

  stats(): RunAnalysisCacheStats {
    return {
      series: this.#series.size,
      seriesBytes: this.#seriesBytes,
      curves: this.#curves.size,
      hits: this.#hits,
      misses: this.#misses,
      evicted: this.#evicted,
    };
  }

  dispose(): void {
    for (const s of this.#subscriptions) s.unsubscribe();
    this.clear();
  }

  /** A hit moves to the back of the map (Maps keep insertion order: the front is the least recently used). */
  #touch<V>(map: Map<string, V>, key: string): V | undefined {
    const value = map.get(key);
    if (value === undefined) return undefined;
    this.#hits++;
    map.delete(key);
    map.set(key, value);
    return value;
  }

  #keepSeries(id: string, read: RunSeriesRead): void {
    // A series larger than the whole budget is answered but not kept.
    if (read.bytes > this.#maxSeriesBytes) return;
    this.#series.set(id, read);
    this.#seriesBytes += read.bytes;
    while (this.#seriesBytes > this.#maxSeriesBytes) {
      const [oldest, entry] = this.#series.entries().next().value as [string, RunSeriesRead];
      this.#series.delete(oldest);
      this.#seriesBytes -= entry.bytes;
      this.#evicted++;
    }
  }

  #evictOldest(map: Map<string, unknown>): void {
    const oldest = map.keys().next().value;
    if (oldest !== undefined) map.delete(oldest);
    this.#evicted++;
  }

  #dropGone(): void {
    const library = this.#o.library;
    for (const [id, read] of this.#series) {
      if (library.has(id)) continue;
      this.#series.delete(id);
      this.#seriesBytes -= read.bytes;
    }
    for (const key of this.#curves.keys()) if (!library.has(key.slice(0, key.indexOf('|')))) this.#curves.delete(key);
  }
}
