import { randomBytes } from 'node:crypto';
import type { AnalysisStartRequest } from '@jetdrive-hub/client/contract';
import { createLogger } from '../log.js';
import { AnalysisError } from './analysis-error.js';
import { analysisSettingsOf, analysisTablesOf } from './analysis-tables.js';
import { LiveAnalysis } from './live-analysis.js';
import { type AnalysisRunSource, type RunDescription, resolveRunChannels } from './run-channels.js';
import { RunFeed } from './run-feed.js';

// An analysis of runs from the library instead of a live provider: the same LiveAnalysis (settings, filters, grid,
// exports, pushes), its samples from a RunFeed. Its channels are resolved from the first run's stored catalog when it
// starts, so the start answers at once; the runs are read and fed after the answer.

const log = createLogger('analysis');

export interface OfflineOptions {
  maxRuns: number;
  sliceMs: number;
  gapMs: number;
}

export interface OfflineAnalysis {
  analysis: LiveAnalysis;
  feed: RunFeed;
}

/** The run ids of a start body (`run`, then `runs`). */
export function runIdsOf(request: Pick<AnalysisStartRequest, 'run' | 'runs'>): string[] {
  return [...(request.run === undefined ? [] : [request.run]), ...(request.runs ?? [])];
}

/** Each run described by the library (RUN_NOT_FOUND for one it lacks), refused beyond the bound. */
export function describeRuns(
  source: AnalysisRunSource | undefined,
  ids: readonly string[],
  already: number,
  maxRuns: number,
): { id: string; run: RunDescription }[] {
  if (!source) throw new AnalysisError('VALIDATION_FAILED', 'runs: this hub has no run library', 'runs');
  if (already + ids.length > maxRuns) {
    throw new AnalysisError(
      'TOO_MANY_RUNS',
      `runs: an analysis accumulates at most ${maxRuns} runs (it has ${already}, ${ids.length} more asked); start another`,
      'runs',
    );
  }
  return ids.map((id) => ({ id, run: source.describe(id) }));
}

/**
 * A new offline analysis of the request's runs. `onChange` is told when the feed has fed every run (the analysis is
 * then stopped; added runs resume it).
 */
export function createOfflineAnalysis(
  source: AnalysisRunSource | undefined,
  request: AnalysisStartRequest,
  options: OfflineOptions & { now: () => number; onIdle: (analysis: LiveAnalysis) => void },
): OfflineAnalysis {
  const runs = describeRuns(source, runIdsOf(request), 0, options.maxRuns);
  const first = runs[0];
  const resolved = resolveRunChannels(first.id, first.run, request.load);
  const settings = analysisSettingsOf(request);
  if (resolved.channels.engineTemp === null && request.warmupTempC === undefined) settings.warmupTempC = null;
  const id = `an_${randomBytes(6).toString('hex')}`;
  let analysis: LiveAnalysis | null = null;
  const feed = new RunFeed({
    source: source as AnalysisRunSource,
    channels: resolved.channels,
    hostId: resolved.provider.hostId,
    sliceMs: options.sliceMs,
    gapMs: options.gapMs,
    onRunStart: () => analysis?.clearReadings(),
    onIdle: () => {
      if (!analysis) return;
      analysis.finish();
      options.onIdle(analysis);
    },
  });
  analysis = new LiveAnalysis({
    id,
    name: request.name ?? `${first.run.name} ${request.load}`,
    provider: resolved.provider,
    load: request.load,
    channels: resolved.channels,
    settings,
    tables: analysisTablesOf(request),
    samples$: feed.batches$,
    now: options.now,
    source: 'runs',
    runs: () => feed.states(),
  });
  log.info({ analysis: id, runs: runs.map((r) => r.id), load: request.load }, 'offline analysis %s started', id);
  feed.add(runs.map((r) => ({ id: r.id, name: r.run.name })));
  return { analysis, feed };
}

/**
 * The offline analyses of a registry: their feeds by analysis id, what a start, an added run, a stop and a delete do
 * to them. A live analysis has no feed here.
 */
export class OfflineFeeds {
  readonly #feeds = new Map<string, RunFeed>();
  readonly #source: AnalysisRunSource | undefined;
  readonly #options: OfflineOptions;

  constructor(source: AnalysisRunSource | undefined, options: OfflineOptions) {
    this.#source = source;
    this.#options = options;
  }

  start(request: AnalysisStartRequest, now: () => number, onIdle: (analysis: LiveAnalysis) => void): LiveAnalysis {
    const offline = createOfflineAnalysis(this.#source, request, { ...this.#options, now, onIdle });
    this.#feeds.set(offline.analysis.id, offline.feed);
    return offline.analysis;
  }

  /** Queues more runs for an offline analysis (ANALYSIS_IS_LIVE for a live one); it runs again while they are fed. */
  addRuns(analysis: LiveAnalysis, runs: readonly string[]): void {
    const feed = this.#feeds.get(analysis.id);
    if (!feed) {
      throw new AnalysisError(
        'ANALYSIS_IS_LIVE',
        `id: analysis "${analysis.id}" reads a live provider; start an analysis of runs ({ runs: [...] }) to accumulate runs`,
        'id',
      );
    }
    const described = describeRuns(this.#source, runs, feed.states().length, this.#options.maxRuns);
    analysis.resume();
    feed.add(described.map((r) => ({ id: r.id, name: r.run.name })));
  }

  /** Stops an analysis: an offline one's feed is cancelled and its stream kept (runs can be added later). */
  stop(analysis: LiveAnalysis): void {
    const feed = this.#feeds.get(analysis.id);
    if (!feed) {
      analysis.stop();
      return;
    }
    feed.cancel();
    analysis.finish();
  }

  remove(id: string): void {
    this.#feeds.get(id)?.dispose();
    this.#feeds.delete(id);
  }

  /** The longest stretch a feed ran without a turn of the event loop (ms) and the turns all feeds gave. */
  stats(): { longestSliceMs: number; yields: number } {
    const out = { longestSliceMs: 0, yields: 0 };
    for (const f of this.#feeds.values()) {
      const s = f.stats();
      out.longestSliceMs = Math.max(out.longestSliceMs, s.longestSliceMs);
      out.yields += s.yields;
    }
    return out;
  }

  dispose(): void {
    for (const feed of this.#feeds.values()) feed.dispose();
    this.#feeds.clear();
  }
}
