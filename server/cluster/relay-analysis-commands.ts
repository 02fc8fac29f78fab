import {
  type AnalysisGrid,
  analysisAddRunsSchema,
  analysisExportSchema,
  analysisIdSchema,
  analysisStartSchema,
} from '@jetdrive-hub/client/contract';
import type { Observable } from 'rxjs';
import { z } from 'zod';
import {
  ANALYSIS_COMMAND_OPTIONS,
  type AnalysisRegistry,
  type AnalysisSocketHandlers,
  DEFAULT_ANALYSIS_SOCKET_OPTIONS,
} from '../analysis/index.js';
import type { HubServer, HubSocket } from '../auth/socket-data.js';
import type { CommandRelay, RelayedCommand } from './command-relay.js';
import { onEachConnection, relaySocketCommand as relay } from './relay-socket-command.js';
import type { RemoteWatches } from './remote-watches.js';

const watchSchema = z.object({
  id: analysisIdSchema,
  full: z.object({ watching: z.number().int().min(0), max: z.number().int().min(0) }).nullable(),
});

/**
 * An edge's analysis:watch and unwatch (the other analysis commands are relayed as they are, see relay-commands.ts):
 * the ingest node joins the watcher to the analysis' room through the adapter, so its `analysis:delta` /
 * `analysis:grid` pushes reach it here; this edge keeps the per-connection watch limit and unwatches when the
 * socket goes. After this edge's heartbeat lapsed (`reconnected$`: Redis was down, or the process stopped), the
 * ingest node may have expired its watches (see RemoteWatches): each is sent again, and the socket gets the grid the
 * next delta applies to.
 */
export function attachRelayedAnalysisWatches(
  io: HubServer,
  relayTo: CommandRelay,
  reconnected$: Observable<unknown>,
  maxWatchesPerSocket = DEFAULT_ANALYSIS_SOCKET_OPTIONS.maxWatchesPerSocket,
): { detach(): void } {
  const o = ANALYSIS_COMMAND_OPTIONS;
  // Per connected socket (bounded by the connection limit), what it watches.
  const sockets = new Map<HubSocket, Set<string>>();
  const rewatch = reconnected$.subscribe(() => {
    for (const [socket, watching] of sockets) {
      for (const id of watching) {
        void relayTo.request('analysis:watch', { id, full: null }, socket.id).then((r) => {
          if (r.ok && watching.has(id)) socket.emit('analysis:grid', r.data as AnalysisGrid);
        });
      }
    }
  });
  const attached = onEachConnection(io, (socket: HubSocket) => {
    // Bounded by maxWatchesPerSocket: a watch beyond it is refused by the ingest node after its id check.
    const watching = new Set<string>();
    sockets.set(socket, watching);
    relay(socket, relayTo, 'analysis:watch', analysisIdSchema, o.byId, {
      toPayload: (id) => ({
        id,
        full:
          !watching.has(id) && watching.size >= maxWatchesPerSocket
            ? { watching: watching.size, max: maxWatchesPerSocket }
            : null,
      }),
      onDone: (_grid, id) => watching.add(id),
    });
    relay(socket, relayTo, 'analysis:unwatch', analysisIdSchema, o.byId, { onDone: (_r, id) => watching.delete(id) });
    socket.once('disconnect', () => {
      sockets.delete(socket);
      for (const id of watching) void relayTo.request('analysis:unwatch', id, socket.id);
      watching.clear();
    });
  });
  return {
    detach() {
      rewatch.unsubscribe();
      attached.detach();
    },
  };
}

/**
 * The ingest node's side: a relayed analysis command for the socket `from.socketId` on node `from.node`; undefined
 * for other commands. Watches are recorded per node (`watches`), so a dead edge's expire (see RemoteWatches).
 */
export function analysisCommand(
  analyses: { registry: AnalysisRegistry; handlers: AnalysisSocketHandlers; watches: RemoteWatches | null },
  command: RelayedCommand,
  payload: unknown,
  from: { socketId: string; node: string },
): unknown {
  const { registry, handlers, watches } = analyses;
  const { socketId } = from;
  switch (command) {
    case 'analysis:start':
      return registry.start(analysisStartSchema.parse(payload));
    case 'analysis:stop':
      return registry.stop(analysisIdSchema.parse(payload));
    case 'analysis:reset':
      return registry.reset(analysisIdSchema.parse(payload));
    case 'analysis:delete': {
      const id = analysisIdSchema.parse(payload);
      registry.remove(id);
      watches?.analysisRemoved(id);
      return { id };
    }
    case 'analysis:list':
      return registry.list();
    case 'analysis:get':
      return registry.grid(analysisIdSchema.parse(payload));
    case 'analysis:export': {
      const r = analysisExportSchema.parse(payload);
      return registry.exportTable(r.id, r.kind, r.bank);
    }
    case 'analysis:add-runs': {
      const r = analysisAddRunsSchema.parse(payload);
      return registry.addRuns(r.id, r.runs);
    }
    case 'analysis:watch': {
      const { id, full } = watchSchema.parse(payload);
      watches?.admit(socketId, id);
      const grid = handlers.watchRemote(id, socketId, full);
      watches?.added(from.node, socketId, id);
      return grid;
    }
    case 'analysis:unwatch': {
      const id = analysisIdSchema.parse(payload);
      handlers.unwatchRemote(id, socketId);
      watches?.removed(socketId, id);
      return { id };
    }
    default:
      return undefined;
  }
}
