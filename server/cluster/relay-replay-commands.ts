import { replayIdSchema, replaySeekSchema, replayStartSchema } from '@jetdrive-hub/client/contract';
import type { ReplayManager } from '../replay/index.js';
import type { RelayedCommand } from './command-relay.js';

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
