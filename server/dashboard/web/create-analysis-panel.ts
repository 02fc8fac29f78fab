import type {
  AnalysisExportRequest,
  AnalysisGrid,
  AnalysisStartInput,
  AnalysisSummary,
  AnalysisAddRunsRequest,
  CatalogProvider,
  RunPage,
} from '@jetdrive-hub/client/contract';
import type { Observable, Subscription } from 'rxjs';
import { nearestCellOf, TRACE_LENGTH } from './analysis-heatmaps.js';
import { AnalysisPanelView } from './analysis-panel-view.js';
import { errorText } from './error-text.js';

// The live VE analysis panel: start an analysis on a provider (MAP or TPS load) or of a run from the library (and add
// more runs to it), watch its grid fill as the bike runs or the runs are fed (AFR error, suggested VE change and hits
// per bank, the operating point traced), stop, reset, export the tables.

export interface AnalysisPanelApi {
  start(input: AnalysisStartInput): Promise<AnalysisSummary>;
  addRuns(request: AnalysisAddRunsRequest): Promise<AnalysisSummary>;
  stop(id: string): Promise<AnalysisSummary>;
  reset(id: string): Promise<AnalysisSummary>;
  list(): Promise<AnalysisSummary[]>;
  export(request: AnalysisExportRequest): Promise<{ filename: string; csv: string }>;
  grid$(id: string): Observable<AnalysisGrid>;
}

export interface AnalysisPanel {
  dispose(): void;
}

function download(filename: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: 'text/csv' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** The run library's listing, for picking a run to analyse. */
export interface AnalysisRunsApi {
  list(): Promise<RunPage>;
}

/** What the control buttons need of the panel: the watched analysis, the error display, a refresh. */
interface PanelControls {
  watched(): string | null;
  attempt(label: string, action: () => Promise<void>): Promise<void>;
  refresh(): Promise<void>;
  clearTrace(): void;
}

/** Add run, stop, reset and the export buttons act on the watched analysis. */
function wireControls(view: AnalysisPanelView, api: AnalysisPanelApi, c: PanelControls): void {
  const onWatched = (label: string, action: (id: string) => Promise<void>) => () =>
    c.attempt(label, async () => {
      const id = c.watched();
      if (id) await action(id);
    });
  view.addRunButton.addEventListener(
    'click',
    onWatched('Add run failed', async (id) => {
      await api.addRuns({ id, runs: [view.selectedRun()] });
      await c.refresh();
    }),
  );
  view.stopButton.addEventListener(
    'click',
    onWatched('Stop failed', async (id) => {
      await api.stop(id);
      await c.refresh();
    }),
  );
  view.resetButton.addEventListener(
    'click',
    onWatched('Reset failed', async (id) => {
      await api.reset(id);
      c.clearTrace();
    }),
  );
  view.onExport((kind, bank) =>
    onWatched('Export failed', async (id) => {
      const out = await api.export({ id, kind, bank });
      view.showExport(out.filename, out.csv);
      download(out.filename, out.csv);
    })(),
  );
}

export function createAnalysisPanel(
  root: HTMLElement,
  api: AnalysisPanelApi,
  providers$: Observable<CatalogProvider[]>,
  runs: AnalysisRunsApi,
): AnalysisPanel {
  const view = new AnalysisPanelView(root);
  let watched: { id: string; sub: Subscription } | null = null;
  let trace: number[] = [];

  const attempt = async (label: string, action: () => Promise<void>): Promise<void> => {
    view.showMessage('');
    try {
      await action();
    } catch (err) {
      view.showMessage(`${label}: ${errorText(err)}`);
    }
  };
  const watch = (id: string): void => {
    if (watched?.id === id) return;
    watched?.sub.unsubscribe();
    trace = [];
    const sub = api.grid$(id).subscribe({
      next: (grid) => {
        const p = grid.operatingPoint;
        const cell = p ? nearestCellOf(grid, p.rpm, p.load) : -1;
        if (cell >= 0 && trace[trace.length - 1] !== cell) trace = [...trace, cell].slice(-TRACE_LENGTH);
        view.showGrid(grid, { cells: trace });
      },
      error: (err: unknown) => view.showMessage(`Watch: ${errorText(err)}`),
    });
    watched = { id, sub };
  };
  const refresh = () =>
    attempt('Analyses', async () => {
      const [list, page] = await Promise.all([api.list(), runs.list()]);
      const latest = list[list.length - 1];
      if (!watched && latest) watch(latest.id);
      view.showList(list, watched?.id ?? null);
      view.showRuns(page.runs.filter((r) => r.endedAt !== null));
    });
  const start = (source: 'provider' | 'run') =>
    attempt('Start failed', async () => {
      const summary = await api.start(await view.startInput(source));
      watch(summary.id);
      await refresh();
    });

  view.startButton.addEventListener('click', () => start('provider'));
  view.runButton.addEventListener('click', () => start('run'));
  wireControls(view, api, {
    watched: () => watched?.id ?? null,
    attempt,
    refresh,
    clearTrace: () => {
      trace = [];
    },
  });
  view.onSelect((id) => watch(id));
  const providerSub = providers$.subscribe((list) => view.showProviders(list.map((p) => p.name)));
  void refresh();
  // Faster than a live grid needs: an offline analysis' runs change state within seconds.
  const timer = setInterval(() => void refresh(), 2000);
  return {
    dispose() {
      clearInterval(timer);
      providerSub.unsubscribe();
      watched?.sub.unsubscribe();
    },
  };
}
