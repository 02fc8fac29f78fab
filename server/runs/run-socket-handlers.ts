import {
  noPayloadSchema,
  recordStartCommandSchema,
  runIdSchema,
  runListCommandSchema,
  runUpdateCommandSchema,
} from '@jetdrive-hub/client/contract';
import type { HubSocket } from '../auth/socket-data.js';
import { type CommandOptions, onCommand } from '../realtime/on-command.js';
import type { RunCapture } from './run-capture.js';
import type { RunLibrary } from './run-library.js';

// The run library and manual recording over Socket.IO, for shop scripts that live on socket events: the same
// operations, checks and errors as /api/runs (runs-router.ts), and the same roles (viewer reads, operator changes:
// the socket guard holds every packet to SOCKET_COMMAND_ROLES before it reaches these handlers).

/** Payloads fail as VALIDATION_FAILED, named as over HTTP (`query.limit`, `body.pinned`, `id`). */
const validation = (describe: CommandOptions['describe']): CommandOptions => ({
  invalidCode: 'VALIDATION_FAILED',
  prefixEvent: false,
  describe,
});
const BY_ID = validation({ root: 'id' });
const QUERY = validation({ prefix: 'query' });
const BODY = validation({ prefix: 'body' });
const NO_PAYLOAD = validation({ root: 'payload' });

/** The commands' payload checks, for a cluster edge that relays them to the ingest node (server/cluster/). */
export const RUN_COMMAND_OPTIONS = Object.freeze({ byId: BY_ID, query: QUERY, body: BODY, noPayload: NO_PAYLOAD });

export function registerRunCommands(socket: HubSocket, capture: RunCapture, library: RunLibrary): void {
  onCommand(socket, 'run:list', runListCommandSchema, (query) => library.list(query), QUERY);
  onCommand(socket, 'run:get', runIdSchema, (id) => library.get(id), BY_ID);
  onCommand(socket, 'run:update', runUpdateCommandSchema, ({ id, ...patch }) => library.update(id, patch), BODY);
  onCommand(
    socket,
    'run:delete',
    runIdSchema,
    async (id) => {
      await library.delete(id);
      return { id };
    },
    BY_ID,
  );
  onCommand(socket, 'recording:status', noPayloadSchema, () => capture.status(), NO_PAYLOAD);
  onCommand(socket, 'recording:start', recordStartCommandSchema, ({ name }) => capture.startManual(name), BODY);
  onCommand(socket, 'recording:stop', noPayloadSchema, () => capture.stopManual(), NO_PAYLOAD);
}
