// Where Socket.IO puts things: a command's acknowledgement callback is always its last argument.

export interface CommandArgs<A extends (...args: never[]) => void = (result: never) => void> {
  /** Everything the client sent before the ack (commands take at most one). */
  payloads: unknown[];
  /** null when the client asked for no acknowledgement. */
  ack: A | null;
}

/** Splits a command's raw arguments the way Socket.IO builds them: the ack, if any, is the last argument. */
export function splitCommandArgs<A extends (...args: never[]) => void>(args: readonly unknown[]): CommandArgs<A> {
  const last = args.at(-1);
  if (typeof last !== 'function') return { payloads: [...args], ack: null };
  return { payloads: args.slice(0, -1), ack: last as A };
}
