import { noPayloadSchema, replayIdSchema, replaySeekSchema, replayStartSchema } from '@jetdrive-hub/client/contract';
import type { HubServer, HubSocket } from '../auth/socket-data.js';
import { REPLAY_COMMAND_OPTIONS, type ReplayManager } from '../replay/index.js';
import type { CommandRelay, RelayedCommand } from './command-relay.js';
import { relaySocketCommand as relay } from './relay-socket-command.js';

/**
 * An edge's replay commands: the same names, schemas and refusals as on one node, carried out by the ingest node
 * (which has the run library and publishes the replayed datagrams to every edge). `replay:status` reaches this
 * edge's viewers through the adapter.
 */
export function attachRelayedReplayCommands(io: HubServer, relayTo: CommandRelay): { detach(): void } {
  const o = REPLAY_COMMAND_OPTIONS;
  const onConnection = (socket: HubSocket): void => {
    relay(socket, relayTo, 'replay:list', noPayloadSchema, o.noPayload);
    relay(socket, relayTo, 'replay:start', replayStartSchema, o.request);
    relay(socket, relayTo, 'replay:pause', replayIdSchema, o.byId);
    relay(socket, relayTo, 'replay:resume', replayIdSchema, o.byId);
    relay(socket, relayTo, 'replay:seek', replaySeekSchema, o.request);
    relay(socket, relayTo, 'replay:stop', replayIdSchema, o.byId);
  };
  io.on('connection', onConnection);
  return { detach: () => io.off('connection', onConnection) };
}

/** The ingest node's side: a relayed replay command against its replay manager; undefined for other commands. */
export function replayCommand(replays: ReplayManager, command: RelayedCommand, payload: unknown): unknown {
  switch (command) {
    case 'replay:list':
      return replays.list();
    case 'replay:start': {
      const { runId, ...options } = replayStartSchema.parse(payload);
      return replays.startRun(runId, options);
    }
    case 'replay:pause':
      return replays.pause(replayIdSchema.parse(payload));
    case 'replay:resume':
      return replays.resume(replayIdSchema.parse(payload));
    case 'replay:seek': {
      const { id, position } = replaySeekSchema.parse(payload);
      return replays.seek(id, position);
    }
    case 'replay:stop':
      return replays.stop(replayIdSchema.parse(payload));
    default:
      return undefined;
  }
}
