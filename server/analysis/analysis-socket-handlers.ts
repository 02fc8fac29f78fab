import {
  type AnalysisGrid,
  analysisAddRunsSchema,
  analysisExportSchema,
  analysisIdSchema,
  analysisStartSchema,
  noPayloadSchema,
} from '@jetdrive-hub/client/contract';
import { fromEvent, take } from 'rxjs';
import type { HubServer, HubSocket } from '../auth/socket-data.js';
import { type CommandOptions, onCommand } from '../realtime/on-command.js';
import { AnalysisError } from './analysis-error.js';
import { AnalysisPushes } from './analysis-pushes.js';
import type { AnalysisRegistry } from './analysis-registry.js';
import { ANALYSIS_START_FIELDS } from './parse-analysis-start.js';

export interface AnalysisSocketOptions {
  /** Deltas are pushed at most this often per analysis, ms. */
  pushIntervalMs: number;
  /** Analyses one socket may watch at once. */
  maxWatchesPerSocket: number;
}

export const DEFAULT_ANALYSIS_SOCKET_OPTIONS: Readonly<AnalysisSocketOptions> = Object.freeze({
  pushIntervalMs: 200,
  maxWatchesPerSocket: 8,
});

export const analysisRoom = (id: string): string => `analysis:${id}`;

const validation = (root: string): CommandOptions => ({
  invalidCode: 'VALIDATION_FAILED',
  prefixEvent: false,
  describe: { root },
});
const BY_ID = validation('id');

/** The commands' payload checks, for a cluster edge that relays them to the ingest node (server/cluster/). */
export const ANALYSIS_COMMAND_OPTIONS = Object.freeze({
  byId: BY_ID,
  start: validation(ANALYSIS_START_FIELDS.root),
  request: validation('request'),
  noPayload: validation('payload'),
});

function tooManyWatches(watching: number, max: number): AnalysisError {
  return new AnalysisError(
    'TOO_MANY_WATCHES',
    `id: this connection already watches ${watching} analyses (limit ${max})`,
    'id',
  );
}

export interface AnalysisSocketHandlers {
  detach(): void;
  stats(): { loops: number; pushes: number };
  /**
   * A watcher on another node (a cluster edge relays analysis:watch here): `full` when that socket is already at its
   * limit, so the refusal comes after the id check, as on one node. Joins it to the room through the adapter.
   */
  watchRemote(id: string, socketId: string, full: { watching: number; max: number } | null): AnalysisGrid;
  unwatchRemote(id: string, socketId: string): void;
}

function registerWatch(
  socket: HubSocket,
  watching: Set<string>,
  registry: AnalysisRegistry,
  pushes: AnalysisPushes,
  max: number,
): void {
  onCommand(
    socket,
    'analysis:watch',
    analysisIdSchema,
    (id) => {
      const analysis = registry.get(id);
      if (!watching.has(id) && watching.size >= max) throw tooManyWatches(watching.size, max);
      // Synchronous from the grid to the join: the next delta applies to exactly this grid.
      const grid = pushes.watch(analysis, socket.id);
      socket.join(analysisRoom(id));
      watching.add(id);
      return grid;
    },
    BY_ID,
  );
  onCommand(
    socket,
    'analysis:unwatch',
    analysisIdSchema,
    (id) => {
      socket.leave(analysisRoom(id));
      if (watching.delete(id)) pushes.unwatch(id, socket.id);
      return { id };
    },
    BY_ID,
  );
}

function registerCommands(socket: HubSocket, registry: AnalysisRegistry): void {
  onCommand(
    socket,
    'analysis:start',
    analysisStartSchema,
    (request) => registry.start(request),
    validation(ANALYSIS_START_FIELDS.root),
  );
  onCommand(socket, 'analysis:stop', analysisIdSchema, (id) => registry.stop(id), BY_ID);
  onCommand(socket, 'analysis:reset', analysisIdSchema, (id) => registry.reset(id), BY_ID);
  onCommand(
    socket,
    'analysis:delete',
    analysisIdSchema,
    (id) => {
      registry.remove(id);
      return { id };
    },
    BY_ID,
  );
  onCommand(
    socket,
    'analysis:add-runs',
    analysisAddRunsSchema,
    (r) => registry.addRuns(r.id, r.runs),
    validation('request'),
  );
  onCommand(socket, 'analysis:list', noPayloadSchema, () => registry.list(), validation('payload'));
  onCommand(socket, 'analysis:get', analysisIdSchema, (id) => registry.grid(id), BY_ID);
  onCommand(
    socket,
    'analysis:export',
    analysisExportSchema,
    (r) => registry.exportTable(r.id, r.kind, r.bank),
    validation('request'),
  );
}

/**
 * Analysis commands over Socket.IO. A watcher joins the room `analysis:<id>`: the ack carries the whole grid, then
 * `analysis:delta` events (changed cells only) at most every pushIntervalMs while the grid changes, and
 * `analysis:grid` after a reset. Control commands need the operator role (SOCKET_COMMAND_ROLES, checked by the guard).
 */
export function attachAnalysisSocketHandlers(
  io: HubServer,
  registry: AnalysisRegistry,
  options: Partial<AnalysisSocketOptions> = {},
): AnalysisSocketHandlers {
  const o = { ...DEFAULT_ANALYSIS_SOCKET_OPTIONS, ...options };
  const pushes = new AnalysisPushes(o.pushIntervalMs, {
    delta: (id, delta) => io.to(analysisRoom(id)).emit('analysis:delta', delta),
    grid: (id, grid) => io.to(analysisRoom(id)).emit('analysis:grid', grid),
  });
  const changes = registry.changes$.subscribe((change) => {
    if (change.type === 'reset') pushes.rebase(change.id);
    else if (change.type === 'stopped') pushes.flush(change.id);
    else if (change.type === 'deleted') {
      pushes.flush(change.id);
      pushes.drop(change.id);
      io.in(analysisRoom(change.id)).socketsLeave(analysisRoom(change.id));
    }
  });
  const onConnection = (socket: HubSocket): void => {
    const watching = new Set<string>();
    registerWatch(socket, watching, registry, pushes, o.maxWatchesPerSocket);
    registerCommands(socket, registry);
    fromEvent(socket, 'disconnect')
      .pipe(take(1))
      .subscribe(() => {
        for (const id of watching) pushes.unwatch(id, socket.id);
        watching.clear();
      });
  };
  io.on('connection', onConnection);
  return {
    detach() {
      io.off('connection', onConnection);
      changes.unsubscribe();
      pushes.close();
    },
    stats: () => pushes.stats(),
    watchRemote(id, socketId, full) {
      const analysis = registry.get(id);
      if (full) throw tooManyWatches(full.watching, full.max);
      const grid = pushes.watch(analysis, socketId);
      io.in(socketId).socketsJoin(analysisRoom(id));
      return grid;
    },
    unwatchRemote(id, socketId) {
      io.in(socketId).socketsLeave(analysisRoom(id));
      pushes.unwatch(id, socketId);
    },
  };
}
