import type {
  AnalysisExportRequest,
  AnalysisGrid,
  AnalysisStartInput,
  AnalysisSummary,
  CatalogProvider,
} from '@jetdrive-hub/client/contract';
import type { Observable, Subscription } from 'rxjs';
import { nearestCellOf, TRACE_LENGTH } from './analysis-heatmaps.js';
import { AnalysisPanelView } from './analysis-panel-view.js';
import { errorText } from './error-text.js';

// The live VE analysis panel: start an analysis on a provider (MAP or TPS load), watch its grid fill as the bike runs
// (AFR error, suggested VE change and hits per bank, the operating point traced), stop, reset, export the tables.

export interface AnalysisPanelApi {
  start(input: AnalysisStartInput): Promise<AnalysisSummary>;
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

export function createAnalysisPanel(
  root: HTMLElement,
  api: AnalysisPanelApi,
  providers$: Observable<CatalogProvider[]>,
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
      const list = await api.list();
      view.showList(list, watched?.id ?? null);
      const latest = list[list.length - 1];
      if (!watched && latest) watch(latest.id);
    });

  view.startButton.addEventListener('click', () =>
    attempt('Start failed', async () => {
      const summary = await api.start(view.startInput());
      watch(summary.id);
      await refresh();
    }),
  );
  view.stopButton.addEventListener('click', () =>
    attempt('Stop failed', async () => {
      if (watched) await api.stop(watched.id);
      await refresh();
    }),
  );
  view.resetButton.addEventListener('click', () =>
    attempt('Reset failed', async () => {
      if (watched) await api.reset(watched.id);
      trace = [];
    }),
  );
  view.onExport((kind, bank) =>
    attempt('Export failed', async () => {
      if (!watched) return;
      const out = await api.export({ id: watched.id, kind, bank });
      view.showExport(out.filename, out.csv);
      download(out.filename, out.csv);
    }),
  );
  view.onSelect((id) => watch(id));
  const providerSub = providers$.subscribe((list) => view.showProviders(list.map((p) => p.name)));
  void refresh();
  const timer = setInterval(() => void refresh(), 5000);
  return {
    dispose() {
      clearInterval(timer);
      providerSub.unsubscribe();
      watched?.sub.unsubscribe();
    },
  };
}
