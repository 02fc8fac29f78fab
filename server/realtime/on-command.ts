import {
  type Ack,
  type ClientToServerEvents,
  type DescribeOptions,
  describeZodError,
  type Result,
  splitCommandArgs,
  type WireError,
} from '@jetdrive-hub/client/contract';
import type { z } from 'zod';
import { CodedError, toWireError } from '../errors/coded-error.js';
import { createLogger } from '../log.js';

const log = createLogger('realtime');

export type CommandName = keyof ClientToServerEvents;

/** What a command's ack carries on success, read from the event map (the ack is its last parameter). */
export type AckData<E extends CommandName> =
  Parameters<ClientToServerEvents[E]> extends [...unknown[], Ack<infer T>] ? T : never;

/** The part of a Socket.IO socket onCommand needs (the server's typed Socket has it). */
export interface CommandSocket {
  on(event: CommandName, listener: (...args: never[]) => void): unknown;
}

export interface CommandContext {
  /** Runs `fn` right after the ack is written (e.g. backfill frames that must follow the subscribe ack). */
  afterAck(fn: () => void): void;
}

export interface CommandOptions {
  /** Code of a payload its schema refuses. Default INVALID_PAYLOAD. */
  invalidCode?: string;
  /** Put the event name before the message ("catalog:get: payload: …"). Default true. */
  prefixEvent?: boolean;
  /** How fields are named in the message (default: no prefix, the whole payload is "payload"). */
  describe?: DescribeOptions;
  /** Called for every payload the schema refuses (for counters). */
  onInvalid?: () => void;
}

/** A refusal a handler throws: answered as `{ ok: false, error }`. */
export class CommandError extends CodedError {
  constructor(error: WireError) {
    super(error.code, 400, error.message, error.field === undefined ? {} : { field: error.field });
  }
}

/** Unwraps an outcome of the `Result` shape, throwing its error as a CommandError. */
export function dataOf<T>(outcome: Result<T>): T {
  if (!outcome.ok) throw new CommandError(outcome.error);
  return outcome.data;
}

function failure(error: unknown, event: string): Result<never> {
  if (!(error instanceof CodedError)) log.error({ err: error, event }, 'command failed');
  return { ok: false, error: toWireError(error) };
}

function invalid(event: string, error: z.ZodError, options: CommandOptions): Result<never> {
  options.onInvalid?.();
  const described = describeZodError(error, options.describe);
  const message = options.prefixEvent === false ? described.message : `${event}: ${described.message}`;
  return { ok: false, error: { code: options.invalidCode ?? 'INVALID_PAYLOAD', message, field: described.field } };
}

/**
 * Registers one socket command. The payload is validated with `schema`; the handler's result is the ack's data,
 * checked by the compiler against the event map. The ack is found where Socket.IO puts it (the last argument); the
 * answer is always the one Result shape: a thrown CodedError becomes its `{ code, message, field? }`, anything else
 * INTERNAL (logged). Nothing is thrown over the wire. A synchronous handler is answered in the same tick.
 */
export function onCommand<E extends CommandName, S extends z.ZodType>(
  socket: CommandSocket,
  event: E,
  schema: S,
  handler: (payload: z.output<S>, context: CommandContext) => AckData<E> | Promise<AckData<E>>,
  options: CommandOptions = {},
): void {
  socket.on(event, (...args: unknown[]) => {
    const { payloads, ack } = splitCommandArgs<Ack<AckData<E>>>(args);
    // The command normalizer answers commands without an ack (command:refused); nothing to answer here.
    if (!ack) return;
    const parsed = schema.safeParse(payloads[0]);
    if (!parsed.success) return ack(invalid(event, parsed.error, options));
    const after: (() => void)[] = [];
    const answer = (result: Result<AckData<E>>): void => {
      ack(result);
      for (const fn of after) fn();
    };
    let data: AckData<E> | Promise<AckData<E>>;
    try {
      data = handler(parsed.data, { afterAck: (fn) => after.push(fn) });
    } catch (error) {
      return answer(failure(error, event));
    }
    if (!(data instanceof Promise)) return answer({ ok: true, data });
    data
      .then(
        (value) => answer({ ok: true, data: value }),
        (error: unknown) => answer(failure(error, event)),
      )
      .catch((error: unknown) => log.warn({ err: error, event }, 'command ack failed'));
  });
}
