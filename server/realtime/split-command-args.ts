import type { Result } from '../../client-sdk/src/events.js';

export type CommandAck = (result: Result<unknown>) => void;

export interface CommandArgs {
  /** Everything the client sent before the ack (commands take at most one). */
  payloads: unknown[];
  /** Socket.IO always puts the acknowledgement callback last; null when the client asked for none. */
  ack: CommandAck | null;
}

/** Splits a command's raw arguments the way Socket.IO builds them: the ack, if any, is the last argument. */
export function splitCommandArgs(args: readonly unknown[]): CommandArgs {
  const last = args.at(-1);
  if (typeof last !== 'function') return { payloads: [...args], ack: null };
  return { payloads: args.slice(0, -1), ack: last as CommandAck };
}
