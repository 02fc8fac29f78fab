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
import { OfflineFeeds } from './offline-analysis.js';
import { resolveAnalysisChannels } from './resolve-analysis-channels.js';
import type { AnalysisRunSource } from './run-channels.js';

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

function statsOf(analyses: Iterable<LiveAnalysis>, refused: number, feeds: OfflineFeeds): AnalysisRegistryStats {
  const byStatus: Record<string, number> = { running: 0, stopped: 0 };
  const samples: Record<string, number> = {};
  let kept = 0;
  for (const a of analyses) {
    kept++;
    byStatus[a.status]++;
    const { samples: _total, bankReadingsOutOfRange: _banks, ...outcomes } = a.core.counts();
    for (const [k, v] of Object.entries(outcomes)) samples[k] = (samples[k] ?? 0) + v;
  }
  return { kept, running: byStatus.running, refused, byStatus, samples, feeds: feeds.stats() };
}

/** What a registry keeps: its analyses (and the offline ones' feeds), who follows a provider by name, its counters. */
interface RegistryState {
  deps: AnalysisRegistryDeps;
  options: AnalysisRegistryOptions;
  now: () => number;
  analyses: Map<string, LiveAnalysis>;
  offline: OfflineFeeds;
  changes$: Subject<AnalysisChange>;
  /** Analyses started by the provider's name: they follow it to a new host id. */
  byName: Set<string>;
  refused: number;
}

/** A start: refused at the bound; live on a provider, or offline on runs (fed after the answer). */
function startAnalysis(st: RegistryState, request: AnalysisStartRequest): AnalysisSummary {
  const { analyses, options, changes$ } = st;
  if (analyses.size >= options.maxAnalyses) {
    st.refused++;
    throw new AnalysisError(
      'TOO_MANY_ANALYSES',
      `${analyses.size} analyses are kept (limit ${options.maxAnalyses}); delete one first`,
    );
  }
  const analysis =
    request.provider !== undefined
      ? createLiveAnalysis(st.deps, request, st.now)
      : // Once every run is in, viewers get the stop.
        st.offline.start(request, st.now, (a) => {
          if (analyses.get(a.id) === a) changes$.next({ type: 'stopped', id: a.id });
        });
  analyses.set(analysis.id, analysis);
  const named = typeof request.provider === 'string' && !/^0x[0-9a-f]{1,4}$/i.test(request.provider.trim());
  if (named) st.byName.add(analysis.id);
  changes$.next({ type: 'started', id: analysis.id });
  return analysis.summary();
}

/** The analyses of the hub: a bounded table of LiveAnalysis, fed from the registry's batches or from library runs. */
export function createAnalysisRegistry(deps: AnalysisRegistryDeps): AnalysisRegistry {
  const options = { ...DEFAULT_ANALYSIS_REGISTRY_OPTIONS, ...deps.options };
  const st: RegistryState = {
    deps,
    options,
    now: deps.now ?? Date.now,
    analyses: new Map(),
    offline: new OfflineFeeds(deps.runs, {
      maxRuns: options.maxRunsPerAnalysis,
      sliceMs: options.feedSliceMs,
      gapMs: RUN_GAP_MS,
    }),
    changes$: new Subject<AnalysisChange>(),
    byName: new Set(),
    refused: 0,
  };
  const { analyses, offline, changes$, byName } = st;
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

  return {
    start: (request) => startAnalysis(st, request),
    addRuns(id, runs) {
      const a = get(id);
      offline.addRuns(a, runs);
      changes$.next({ type: 'runs-added', id });
      return a.summary();
    },
    stop(id) {
      const a = get(id);
      if (a.status !== 'running')
        throw new AnalysisError('ANALYSIS_NOT_RUNNING', `id: analysis "${id}" is already stopped`, 'id');
      offline.stop(a);
      changes$.next({ type: 'stopped', id });
      return a.summary();
    },
    reset(id) {
      const a = get(id);
      a.reset();
      changes$.next({ type: 'reset', id });
      return a.summary();
    },
    remove(id) {
      get(id).stop();
      offline.remove(id);
      analyses.delete(id);
      byName.delete(id);
      changes$.next({ type: 'deleted', id });
    },
    list: () => [...analyses.values()].map((a) => a.summary()),
    get,
    grid: (id) => analysisGridOf(get(id), 0),
    exportTable: (id, kind, bank) => exportAnalysis(get(id), kind, bank),
    changes$,
    stats: () => statsOf(analyses.values(), st.refused, offline),
    dispose() {
      follow.unsubscribe();
      offline.dispose();
      for (const a of analyses.values()) a.stop();
      analyses.clear();
      changes$.complete();
    },
  };
}
