import { randomBytes } from 'node:crypto';
import {
  type AnalysisExportKind,
  type AnalysisGrid,
  type AnalysisStartRequest,
  type AnalysisSummary,
  MAX_ANALYSIS_RUNS,
} from '@jetdrive-hub/client/contract';
import { filter, Subject } from 'rxjs';
import type { ChannelMeta, ChannelRegistry } from '../channels/index.js';
import { createLogger } from '../log.js';
import { AnalysisError } from './analysis-error.js';
import { type AnalysisExport, exportAnalysis } from './analysis-exports.js';
import { analysisSettingsOf, analysisTablesOf } from './analysis-tables.js';
import { followRestartedProviders } from './follow-restarted-provider.js';
import { analysisGridOf } from './grid-publisher.js';
import { LiveAnalysis } from './live-analysis.js';
import { createOfflineAnalysis, describeRuns } from './offline-analysis.js';
import { resolveAnalysisChannels } from './resolve-analysis-channels.js';
import type { AnalysisRunSource } from './run-channels.js';
import type { RunFeed } from './run-feed.js';

const log = createLogger('analysis');

export interface AnalysisRegistryOptions {
  /** Analyses kept at once, running or stopped; a start beyond it is refused until one is deleted. */
  maxAnalyses: number;
  /** Runs one offline analysis accumulates at most. */
  maxRunsPerAnalysis: number;
  /** An offline analysis feeds a run in slices of at most this long, ms, the event loop getting a turn between. */
  feedSliceMs: number;
}

export const DEFAULT_ANALYSIS_REGISTRY_OPTIONS: Readonly<AnalysisRegistryOptions> = Object.freeze({
  maxAnalyses: 4,
  maxRunsPerAnalysis: MAX_ANALYSIS_RUNS,
  feedSliceMs: 5,
});

/** Between two runs of an offline analysis on its feed clock: far beyond any lag, window or gap setting. */
const RUN_GAP_MS = 60_000;

export interface AnalysisRegistryDeps {
  registry: Pick<ChannelRegistry, 'samples$' | 'providers' | 'catalog' | 'events$'>;
  /** The mapping's quantity of a channel (overrides applied). */
  quantityOf: (channel: ChannelMeta) => string | null;
  /** The run library, for offline analyses of recorded runs (none: only live analyses). */
  runs?: AnalysisRunSource;
  options?: Partial<AnalysisRegistryOptions>;
  now?: () => number;
}

export interface AnalysisRegistryStats {
  kept: number;
  running: number;
  refused: number;
  byStatus: Record<string, number>;
  /** Samples of the analyses kept now, by outcome: accepted, or the filter that refused them. */
  samples: Record<string, number>;
  /** Offline analyses' feeds: the longest stretch one fed without a turn of the event loop (ms), the turns given. */
  feeds: { longestSliceMs: number; yields: number };
}

export type AnalysisChange = { type: 'started' | 'stopped' | 'reset' | 'deleted' | 'runs-added'; id: string };

export interface AnalysisRegistry {
  /** A live analysis on `provider`, or an offline one of `run` / `runs` (answered at once, fed after). */
  start(request: AnalysisStartRequest): AnalysisSummary;
  /** More runs for an offline analysis: fed after the ones it has (ANALYSIS_IS_LIVE for a live one). */
  addRuns(id: string, runs: readonly string[]): AnalysisSummary;
  stop(id: string): AnalysisSummary;
  reset(id: string): AnalysisSummary;
  remove(id: string): void;
  list(): AnalysisSummary[];
  get(id: string): LiveAnalysis;
  grid(id: string): AnalysisGrid;
  exportTable(id: string, kind: AnalysisExportKind, bank?: string | number): AnalysisExport;
  readonly changes$: Subject<AnalysisChange>;
  stats(): AnalysisRegistryStats;
  /** Stops every analysis (hub shutdown). */
  dispose(): void;
}

/** A new analysis on the provider the request names, its channels resolved through the mapping now. */
function createLiveAnalysis(
  deps: AnalysisRegistryDeps,
  request: AnalysisStartRequest,
  now: () => number,
): LiveAnalysis {
  const settings = analysisSettingsOf(request);
  const tables = analysisTablesOf(request);
  const channels = deps.registry
    .catalog()
    .channels.map((c) => ({ key: c.key, providerId: c.providerId, quantity: deps.quantityOf(c) }));
  const provider = request.provider ?? '';
  const resolved = resolveAnalysisChannels(deps.registry.providers(), channels, provider, request.load);
  // Without an engine temperature channel every sample would count as cold: the warm-up filter is off (the summary's
  // settings say so) unless the request asked for it by value.
  if (resolved.channels.engineTemp === null && request.warmupTempC === undefined) settings.warmupTempC = null;
  const id = `an_${randomBytes(6).toString('hex')}`;
  log.info({ analysis: id, provider: resolved.provider.name, load: request.load }, 'analysis %s started', id);
  return new LiveAnalysis({
    id,
    name: request.name ?? `${resolved.provider.name} ${request.load}`,
    provider: resolved.provider,
    load: request.load,
    channels: resolved.channels,
    settings,
    tables,
    samples$: deps.registry.samples$,
    now,
  });
}

function statsOf(analyses: Iterable<LiveAnalysis>, refused: number, feeds: Iterable<RunFeed>): AnalysisRegistryStats {
  const byStatus: Record<string, number> = { running: 0, stopped: 0 };
  const samples: Record<string, number> = {};
  let kept = 0;
  for (const a of analyses) {
    kept++;
    byStatus[a.status]++;
    const { samples: _total, bankReadingsOutOfRange: _banks, ...outcomes } = a.core.counts();
    for (const [k, v] of Object.entries(outcomes)) samples[k] = (samples[k] ?? 0) + v;
  }
  const fed = { longestSliceMs: 0, yields: 0 };
  for (const f of feeds) {
    const s = f.stats();
    fed.longestSliceMs = Math.max(fed.longestSliceMs, s.longestSliceMs);
    fed.yields += s.yields;
  }
  return { kept, running: byStatus.running, refused, byStatus, samples, feeds: fed };
}

/** The live analyses of the hub: a bounded table of LiveAnalysis, each fed from the registry's sample batches. */
export function createAnalysisRegistry(deps: AnalysisRegistryDeps): AnalysisRegistry {
  const options = { ...DEFAULT_ANALYSIS_REGISTRY_OPTIONS, ...deps.options };
  const now = deps.now ?? Date.now;
  const analyses = new Map<string, LiveAnalysis>();
  /** The feeds of offline analyses, by analysis id. */
  const feeds = new Map<string, RunFeed>();
  const changes$ = new Subject<AnalysisChange>();
  let refused = 0;
  /** Analyses started by the provider's name: they follow it to a new host id. */
  const byName = new Set<string>();
  const follow = deps.registry.events$
    .pipe(filter((e) => e.type === 'channel:added' || e.type === 'provider:online'))
    .subscribe(() => {
      if (byName.size > 0) followRestartedProviders(deps, analyses.values(), byName);
    });

  const get = (id: string): LiveAnalysis => {
    const a = analyses.get(id);
    if (!a) throw new AnalysisError('ANALYSIS_NOT_FOUND', `id: no analysis "${id}"`, 'id');
    return a;
  };

  const create = (request: AnalysisStartRequest): LiveAnalysis => {
    if (request.provider !== undefined) return createLiveAnalysis(deps, request, now);
    const offline = createOfflineAnalysis(deps.runs, request, {
      maxRuns: options.maxRunsPerAnalysis,
      sliceMs: options.feedSliceMs,
      gapMs: RUN_GAP_MS,
      now,
      onIdle: (a) => {
        if (analyses.get(a.id) === a) changes$.next({ type: 'stopped', id: a.id });
      },
    });
    feeds.set(offline.analysis.id, offline.feed);
    return offline.analysis;
  };

  const start = (request: AnalysisStartRequest): AnalysisSummary => {
    if (analyses.size >= options.maxAnalyses) {
      refused++;
      throw new AnalysisError(
        'TOO_MANY_ANALYSES',
        `${analyses.size} analyses are kept (limit ${options.maxAnalyses}); delete one first`,
      );
    }
    const analysis = create(request);
    analyses.set(analysis.id, analysis);
    const named = typeof request.provider === 'string' && !/^0x[0-9a-f]{1,4}$/i.test(request.provider.trim());
    if (named) byName.add(analysis.id);
    changes$.next({ type: 'started', id: analysis.id });
    return analysis.summary();
  };

  const addRuns = (id: string, runs: readonly string[]): AnalysisSummary => {
    const a = get(id);
    const feed = feeds.get(id);
    if (!feed) {
      throw new AnalysisError(
        'ANALYSIS_IS_LIVE',
        `id: analysis "${id}" reads a live provider; start an analysis of runs ({ runs: [...] }) to accumulate runs`,
        'id',
      );
    }
    const described = describeRuns(deps.runs, runs, feed.states().length, options.maxRunsPerAnalysis);
    a.resume();
    feed.add(described.map((r) => ({ id: r.id, name: r.run.name })));
    changes$.next({ type: 'runs-added', id });
    return a.summary();
  };

  const stop = (id: string): AnalysisSummary => {
    const a = get(id);
    if (a.status !== 'running')
      throw new AnalysisError('ANALYSIS_NOT_RUNNING', `id: analysis "${id}" is already stopped`, 'id');
    const feed = feeds.get(id);
    if (feed) {
      feed.cancel();
      a.finish();
    } else a.stop();
    changes$.next({ type: 'stopped', id });
    return a.summary();
  };

  return {
    start,
    addRuns,
    stop,
    reset(id) {
      const a = get(id);
      a.reset();
      changes$.next({ type: 'reset', id });
      return a.summary();
    },
    remove(id) {
      get(id).stop();
      feeds.get(id)?.dispose();
      feeds.delete(id);
      analyses.delete(id);
      byName.delete(id);
      changes$.next({ type: 'deleted', id });
    },
    list: () => [...analyses.values()].map((a) => a.summary()),
    get,
    grid: (id) => analysisGridOf(get(id), 0),
    exportTable: (id, kind, bank) => exportAnalysis(get(id), kind, bank),
    changes$,
    stats: () => statsOf(analyses.values(), refused, feeds.values()),
    dispose() {
      follow.unsubscribe();
      for (const feed of feeds.values()) feed.dispose();
      feeds.clear();
      for (const a of analyses.values()) a.stop();
      analyses.clear();
      changes$.complete();
    },
  };
}
