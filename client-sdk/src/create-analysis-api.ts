import { Observable } from 'rxjs';
import type { Socket } from 'socket.io-client';
import {
  type AnalysisAddRunsRequest,
  type AnalysisDelta,
  type AnalysisExportRequest,
  type AnalysisGrid,
  type AnalysisStartInput,
  type AnalysisSummary,
  applyAnalysisDelta,
  type ClientToServerEvents,
  type Result,
  type ServerToClientEvents,
} from '@jetdrive-hub/client/contract';
import { HubError } from './hub-error.js';

/** Live VE analyses over the hub's socket (the same commands the HTTP API offers under /api/analysis). */
export interface AnalysisApi {
  /**
   * Starts an analysis on a provider (by name or host id) with load 'map' or 'tps', or of runs from the library
   * (`run` / `runs` instead of `provider`: fed offline, the summary's `runs` tell how far); needs the operator token.
   */
  start(input: AnalysisStartInput): Promise<AnalysisSummary>;
  /** Adds runs of the library to an offline analysis: they accumulate into its grid. */
  addRuns(request: AnalysisAddRunsRequest): Promise<AnalysisSummary>;
  stop(id: string): Promise<AnalysisSummary>;
  reset(id: string): Promise<AnalysisSummary>;
  remove(id: string): Promise<{ id: string }>;
  list(): Promise<AnalysisSummary[]>;
  /** The grid now (one request). */
  get(id: string): Promise<AnalysisGrid>;
  /** A table as CSV: the suggested VE table, the percent diff, or the hit counts, in the input table's layout. */
  export(request: AnalysisExportRequest): Promise<{ filename: string; csv: string }>;
  /**
   * The grid, kept current: the whole grid when watching starts (and again after a reconnect or a reset), then the
   * same grid object updated by every delta the hub pushes (at most every push interval while it changes).
   */
  grid$(id: string): Observable<AnalysisGrid>;
}

type Request = <T>(send: (ack: (error: Error | null, result: Result<T>) => void) => void) => Promise<T>;

export function createAnalysisApi(deps: {
  socket: Socket<ServerToClientEvents, ClientToServerEvents>;
  request: Request;
  requestTimeoutMs: number;
}): AnalysisApi {
  const { socket, request, requestTimeoutMs } = deps;
  const timed = () => socket.timeout(requestTimeoutMs);

  function grid$(id: string): Observable<AnalysisGrid> {
    return new Observable<AnalysisGrid>((subscriber) => {
      let grid: AnalysisGrid | null = null;
      const onDelta = (delta: AnalysisDelta) => {
        // A delta applies to the grid of the previous seq; one that does not follow is for an older grid.
        if (delta.id !== id || grid === null || delta.seq !== grid.seq + 1) return;
        applyAnalysisDelta(grid, delta);
        subscriber.next(grid);
      };
      const onGrid = (next: AnalysisGrid) => {
        if (next.id !== id) return;
        grid = next;
        subscriber.next(grid);
      };
      const watch = () => {
        timed().emit('analysis:watch', id, (error, result) => {
          if (error) return;
          if (!result.ok) return subscriber.error(new HubError(result.error));
          onGrid(result.data);
        });
      };
      socket.on('analysis:delta', onDelta);
      socket.on('analysis:grid', onGrid);
      socket.on('connect', watch);
      if (socket.connected) watch();
      return () => {
        socket.off('analysis:delta', onDelta);
        socket.off('analysis:grid', onGrid);
        socket.off('connect', watch);
        if (socket.connected) socket.emit('analysis:unwatch', id, () => {});
      };
    });
  }

  return {
    start: (input) => request<AnalysisSummary>((ack) => timed().emit('analysis:start', input, ack)),
    addRuns: (r) => request<AnalysisSummary>((ack) => timed().emit('analysis:add-runs', r, ack)),
    stop: (id) => request<AnalysisSummary>((ack) => timed().emit('analysis:stop', id, ack)),
    reset: (id) => request<AnalysisSummary>((ack) => timed().emit('analysis:reset', id, ack)),
    remove: (id) => request<{ id: string }>((ack) => timed().emit('analysis:delete', id, ack)),
    list: () => request<AnalysisSummary[]>((ack) => timed().emit('analysis:list', ack)),
    get: (id) => request<AnalysisGrid>((ack) => timed().emit('analysis:get', id, ack)),
    export: (r) => request<{ filename: string; csv: string }>((ack) => timed().emit('analysis:export', r, ack)),
    grid$,
  };
}
