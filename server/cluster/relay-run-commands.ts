import {
  noPayloadSchema,
  recordStartCommandSchema,
  runIdSchema,
  runListCommandSchema,
  runUpdateCommandSchema,
} from '@jetdrive-hub/client/contract';
import { RUN_COMMAND_OPTIONS, type RunCapture, type RunLibrary } from '../runs/index.js';
import type { RelayedCommand } from './command-relay.js';
import type { RelayTable } from './relay-socket-command.js';

// Runs are recorded on the ingest node (it has the data first and the disk); an edge keeps no library of its own and
// relays the library and recording commands there, with the same schemas and wording as on one node.

const o = RUN_COMMAND_OPTIONS;

/** The run commands an edge relays as they are. */
export const RELAYED_RUN_COMMANDS: RelayTable = [
  ['run:list', runListCommandSchema, o.query],
  ['run:get', runIdSchema, o.byId],
  ['run:update', runUpdateCommandSchema, o.body],
  ['run:delete', runIdSchema, o.byId],
  ['recording:status', noPayloadSchema, o.noPayload],
  ['recording:start', recordStartCommandSchema, o.body],
  ['recording:stop', noPayloadSchema, o.noPayload],
];

/** The ingest node's side: a relayed run command against its library and recorder; undefined for other commands. */
export async function runCommand(
  runs: { capture: RunCapture; library: RunLibrary },
  command: RelayedCommand,
  payload: unknown,
): Promise<unknown> {
  const { capture, library } = runs;
  switch (command) {
    case 'run:list':
      return library.list(runListCommandSchema.parse(payload));
    case 'run:get':
      return library.get(runIdSchema.parse(payload));
    case 'run:update': {
      const { id, ...patch } = runUpdateCommandSchema.parse(payload);
      return library.update(id, patch);
    }
    case 'run:delete': {
      const id = runIdSchema.parse(payload);
      await library.delete(id);
      return { id };
    }
    case 'recording:status':
      return capture.status();
    case 'recording:start':
      return capture.startManual(recordStartCommandSchema.parse(payload).name);
    case 'recording:stop':
      return capture.stopManual();
    default:
      return undefined;
  }
}
