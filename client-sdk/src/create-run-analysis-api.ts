import type {
  CorrectionStandard,
  CurveXAxis,
  HttpErrorBody,
  RunComparisonAnswer,
  RunCurvesAnswer,
  RunImportAnswer,
  UnitSystem,
} from '@jetdrive-hub/client/contract';
import { httpBase } from './create-runs-api.js';
import { HubError } from './hub-error.js';

// Run analysis (issue 17) over the hub's HTTP API: curves of a run, runs compared, the CSV exports, the printable run
// sheet and a CSV imported as a run. Part of `hub.runs`. The hub computes every figure; the SDK only asks.

export interface CurveQuery {
  /** Default 'sae'. */
  correction?: CorrectionStandard;
  /** 0 (raw) – 5. Default 0. */
  smoothing?: number;
  /** Default 'rpm'. */
  x?: CurveXAxis;
  /** Default: the hub's units. */
  units?: UnitSystem;
}

export interface RunAnalysisApi {
  /** Power / torque (and AFR) curves of one run under a correction and smoothing, with its peaks and raw points. */
  curves(id: string, query?: CurveQuery): Promise<RunCurvesAnswer>;
  /** 1–8 runs on one grid, and each one's Δ power / Δ torque to the first (per bin and at the peaks). */
  compare(ids: readonly string[], query?: CurveQuery): Promise<RunComparisonAnswer>;
  /** The time export: every channel at a 50 ms step, units in the header (CSV text). */
  exportCsv(id: string): Promise<string>;
  /** The curve export: one row per bin under the correction and smoothing (CSV text). */
  curvesCsv(id: string, query?: CurveQuery): Promise<string>;
  /** The printable one-page run sheet (HTML). */
  sheet(id: string, query?: CurveQuery): Promise<string>;
  /** A CSV time export (this hub's or the common third-party layout) as a new run (operator token). */
  importCsv(csv: string, options?: { name?: string }): Promise<RunImportAnswer>;
}

function search(query: Record<string, string | number | undefined>): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined) params.set(k, String(v));
  const text = params.toString();
  return text ? `?${text}` : '';
}

const runPath = (id: string, tail: string) => `/api/runs/${encodeURIComponent(id)}/${tail}`;

/** The request paths, shared with the CLI. */
export const runAnalysisPaths = {
  curves: (id: string, q: CurveQuery = {}) => runPath(id, `curves${search({ ...q })}`),
  compare: (ids: readonly string[], q: CurveQuery = {}) => `/api/runs/compare${search({ ids: ids.join(','), ...q })}`,
  exportCsv: (id: string) => runPath(id, 'export.csv'),
  curvesCsv: (id: string, q: CurveQuery = {}) => runPath(id, `curves.csv${search({ ...q })}`),
  sheet: (id: string, q: CurveQuery = {}) => runPath(id, `sheet${search({ ...q })}`),
  importCsv: (name?: string) => `/api/runs/import${search({ name })}`,
};

export function createRunAnalysisApi(deps: { url: string; token?: string; fetch?: typeof fetch }): RunAnalysisApi {
  const base = httpBase(deps.url);
  const doFetch = deps.fetch ?? fetch;
  const auth: Record<string, string> = deps.token ? { authorization: `Bearer ${deps.token}` } : {};

  async function call(path: string, init: { method?: string; body?: string; type?: string } = {}): Promise<Response> {
    const method = init.method ?? 'GET';
    const headers = { ...auth, ...(init.type ? { 'content-type': init.type } : {}) };
    const res = await doFetch(`${base}${path}`, {
      method,
      headers,
      ...(init.body === undefined ? {} : { body: init.body }),
    });
    if (!res.ok) {
      const error = ((await res.json().catch(() => null)) as HttpErrorBody | null)?.error;
      throw new HubError(error ?? { code: `HTTP_${res.status}`, message: `${method} ${path}: HTTP ${res.status}` });
    }
    return res;
  }
  const json = async <T>(path: string) => (await (await call(path)).json()) as T;
  const text = async (path: string) => (await call(path)).text();

  return {
    curves: (id, q) => json<RunCurvesAnswer>(runAnalysisPaths.curves(id, q)),
    compare: (ids, q) => json<RunComparisonAnswer>(runAnalysisPaths.compare(ids, q)),
    exportCsv: (id) => text(runAnalysisPaths.exportCsv(id)),
    curvesCsv: (id, q) => text(runAnalysisPaths.curvesCsv(id, q)),
    sheet: (id, q) => text(runAnalysisPaths.sheet(id, q)),
    async importCsv(csv, options = {}) {
      const res = await call(runAnalysisPaths.importCsv(options.name), { method: 'POST', body: csv, type: 'text/csv' });
      return (await res.json()) as RunImportAnswer;
    },
  };
}
