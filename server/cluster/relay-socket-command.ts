import type { z } from 'zod';
import type { HubServer, HubSocket } from '../auth/socket-data.js';
import { type AckData, type CommandOptions, dataOf, onCommand } from '../realtime/on-command.js';
import type { CommandRelay, RelayedSocketCommand } from './command-relay.js';

/**
 * One command on an edge's socket, carried out by the ingest node: validated here with the ingest node's own schema
 * and wording (a bad payload costs no round trip), then relayed; the answer is the ingest node's, or the relay's
 * own refusal (CLUSTER_UNAVAILABLE, CLUSTER_BUSY, CLUSTER_TIMEOUT). `toPayload` reshapes what is sent.
 */
export function relaySocketCommand<E extends RelayedSocketCommand, S extends z.ZodType>(
  socket: HubSocket,
  relayTo: CommandRelay,
  event: E,
  schema: S,
  options: CommandOptions,
  hooks: {
    toPayload?: (payload: z.output<S>) => unknown;
    onDone?: (data: AckData<E>, payload: z.output<S>) => void;
  } = {},
): void {
  onCommand(
    socket,
    event,
    schema,
    async (payload) => {
      const sent = hooks.toPayload ? hooks.toPayload(payload) : payload;
      const data = dataOf(await relayTo.request(event, sent, socket.id)) as AckData<E>;
      hooks.onDone?.(data, payload);
      return data;
    },
    options,
  );
}

/** Runs `attach` for every socket that connects from now on, until detach(). */
export function onEachConnection(io: HubServer, attach: (socket: HubSocket) => void): { detach(): void } {
  io.on('connection', attach);
  return { detach: () => io.off('connection', attach) };
}

/** Commands relayed as they are: the event, its schema and its payload options. */
export type RelayTable = readonly (readonly [RelayedSocketCommand, z.ZodType, CommandOptions])[];

export function relayEach(socket: HubSocket, relayTo: CommandRelay, table: RelayTable): void {
  for (const [event, schema, options] of table) relaySocketCommand(socket, relayTo, event, schema, options);
}
