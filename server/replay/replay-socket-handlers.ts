import { noPayloadSchema, replayIdSchema, replaySeekSchema, replayStartSchema } from '@jetdrive-hub/client/contract';
import type { HubServer, HubSocket } from '../auth/socket-data.js';
import { type CommandOptions, onCommand } from '../realtime/on-command.js';
import type { ReplayManager } from './create-replay-manager.js';

export interface ReplaySocketHandlers {
  /** Stops broadcasting and handling new connections (connected sockets keep their handlers until they go). */
  detach(): void;
}

/** Replay payloads fail as VALIDATION_FAILED (as over HTTP), named by their field. */
const validation = (root: string): CommandOptions => ({
  invalidCode: 'VALIDATION_FAILED',
  prefixEvent: false,
  describe: { root },
});
const BY_ID = validation('id');
const REQUEST = validation('request');
const NO_PAYLOAD = validation('payload');

/** The commands' payload checks, for a cluster edge that relays them to the ingest node (server/cluster/). */
export const REPLAY_COMMAND_OPTIONS = Object.freeze({ byId: BY_ID, request: REQUEST, noPayload: NO_PAYLOAD });

function registerReplayCommands(socket: HubSocket, replays: ReplayManager): void {
  onCommand(socket, 'replay:list', noPayloadSchema, () => replays.list(), NO_PAYLOAD);
  onCommand(
    socket,
    'replay:start',
    replayStartSchema,
    ({ runId, ...options }) => replays.startRun(runId, options),
    REQUEST,
  );
  onCommand(socket, 'replay:pause', replayIdSchema, (id) => replays.pause(id), BY_ID);
  onCommand(socket, 'replay:resume', replayIdSchema, (id) => replays.resume(id), BY_ID);
  onCommand(socket, 'replay:seek', replaySeekSchema, ({ id, position }) => replays.seek(id, position), REQUEST);
  onCommand(socket, 'replay:stop', replayIdSchema, (id) => replays.stop(id), BY_ID);
}

/**
 * Replay commands over Socket.IO, and `replay:status` to every viewer (each replay's state changes at once, its
 * position while playing at the manager's bounded rate). Control commands need the operator role: the socket guard
 * checks every packet against SOCKET_COMMAND_ROLES before it reaches these handlers.
 */
export function attachReplaySocketHandlers(io: HubServer, replays: ReplayManager): ReplaySocketHandlers {
  const statusSub = replays.status$.subscribe((status) => io.emit('replay:status', status));
  const onConnection = (socket: HubSocket): void => registerReplayCommands(socket, replays);
  io.on('connection', onConnection);
  return {
    detach() {
      io.off('connection', onConnection);
      statusSub.unsubscribe();
    },
  };
}
