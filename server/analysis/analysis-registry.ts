import { randomBytes } from 'node:crypto';
import type {
  AnalysisExportKind,
  AnalysisGrid,
  AnalysisStartRequest,
  AnalysisSummary,
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
import { resolveAnalysisChannels } from './resolve-analysis-channels.js';

const log = createLogger('analysis');

export interface AnalysisRegistryOptions {
  /** Analyses kept at once, running or stopped; a start beyond it is refused until one is deleted. */
  maxAnalyses: number;
}

export const DEFAULT_ANALYSIS_REGISTRY_OPTIONS: Readonly<AnalysisRegistryOptions> = Object.freeze({ maxAnalyses: 4 });

export interface AnalysisRegistryDeps {
  registry: Pick<ChannelRegistry, 'samples$' | 'providers' | 'catalog' | 'events$'>;
  /** The mapping's quantity of a channel (overrides applied). */
  quantityOf: (channel: ChannelMeta) => string | null;
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
}

export type AnalysisChange = { type: 'started' | 'stopped' | 'reset' | 'deleted'; id: string };

export interface AnalysisRegistry {
  start(request: AnalysisStartRequest): AnalysisSummary;
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
  const resolved = resolveAnalysisChannels(deps.registry.providers(), channels, request.provider, request.load);
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

function statsOf(analyses: Iterable<LiveAnalysis>, refused: number): AnalysisRegistryStats {
  const byStatus: Record<string, number> = { running: 0, stopped: 0 };
  const samples: Record<string, number> = {};
  let kept = 0;
  for (const a of analyses) {
    kept++;
    byStatus[a.status]++;
    const { samples: _total, bankReadingsOutOfRange: _banks, ...outcomes } = a.core.counts();
    for (const [k, v] of Object.entries(outcomes)) samples[k] = (samples[k] ?? 0) + v;
  }
  return { kept, running: byStatus.running, refused, byStatus, samples };
}

/** The live analyses of the hub: a bounded table of LiveAnalysis, each fed from the registry's sample batches. */
export function createAnalysisRegistry(deps: AnalysisRegistryDeps): AnalysisRegistry {
  const options = { ...DEFAULT_ANALYSIS_REGISTRY_OPTIONS, ...deps.options };
  const now = deps.now ?? Date.now;
  const analyses = new Map<string, LiveAnalysis>();
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

  const start = (request: AnalysisStartRequest): AnalysisSummary => {
    if (analyses.size >= options.maxAnalyses) {
      refused++;
      throw new AnalysisError(
        'TOO_MANY_ANALYSES',
        `${analyses.size} analyses are kept (limit ${options.maxAnalyses}); delete one first`,
      );
    }
    const analysis = createLiveAnalysis(deps, request, now);
    analyses.set(analysis.id, analysis);
    if (typeof request.provider === 'string' && !/^0x[0-9a-f]{1,4}$/i.test(request.provider.trim())) {
      byName.add(analysis.id);
    }
    changes$.next({ type: 'started', id: analysis.id });
    return analysis.summary();
  };

  return {
    start,
    stop(id) {
      const a = get(id);
      if (a.status !== 'running')
        throw new AnalysisError('ANALYSIS_NOT_RUNNING', `id: analysis "${id}" is already stopped`, 'id');
      a.stop();
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
      analyses.delete(id);
      byName.delete(id);
      changes$.next({ type: 'deleted', id });
    },
    list: () => [...analyses.values()].map((a) => a.summary()),
    get,
    grid: (id) => analysisGridOf(get(id), 0),
    exportTable: (id, kind, bank) => exportAnalysis(get(id), kind, bank),
    changes$,
    stats: () => statsOf(analyses.values(), refused),
    dispose() {
      follow.unsubscribe();
      for (const a of analyses.values()) a.stop();
      analyses.clear();
      changes$.complete();
    },
  };
}
