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
