import { randomUUID } from 'node:crypto';
import type { ClientToServerEvents, Result, WireError } from '@jetdrive-hub/client/contract';
import type { HubServer } from '../auth/socket-data.js';
import { CodedError, toWireError } from '../errors/coded-error.js';
import { createLogger } from '../log.js';

const log = createLogger('cluster');

/**
 * Commands an edge cannot carry out itself: the ingest node runs the tuning sessions, the replays, the live analyses
 * and the recorder and run library; `http:request` is an HTTP control or read of those, answered by its own routes.
 */
export const RELAYED_SOCKET_COMMANDS = [
  'session:start',
  'session:stop',
  'session:watch',
  'session:unwatch',
  'session:list',
  'session:results',
  'session:cleanup',
  'replay:list',
  'replay:start',
  'replay:pause',
  'replay:resume',
  'replay:seek',
  'replay:stop',
  'analysis:start',
  'analysis:stop',
  'analysis:reset',
  'analysis:delete',
  'analysis:list',
  'analysis:get',
  'analysis:export',
  'analysis:add-runs',
  'analysis:watch',
  'analysis:unwatch',
  'run:list',
  'run:get',
  'run:update',
  'run:delete',
  'recording:status',
  'recording:start',
  'recording:stop',
] as const;

export const RELAYED_COMMANDS = [...RELAYED_SOCKET_COMMANDS, 'http:request'] as const;

/** The client's session, replay and analysis commands: an edge must relay every one (checked by the compiler). */
type FeatureCommand = Extract<
  keyof ClientToServerEvents,
  `session:${string}` | `replay:${string}` | `analysis:${string}`
>;
/** Fails to compile when a feature command is added to the contract but not to RELAYED_SOCKET_COMMANDS. */
export const EVERY_FEATURE_COMMAND_RELAYED: [
  Exclude<FeatureCommand, (typeof RELAYED_SOCKET_COMMANDS)[number]>,
] extends [never]
  ? true
  : never = true;

export type RelayedSocketCommand = (typeof RELAYED_SOCKET_COMMANDS)[number];
export type RelayedCommand = (typeof RELAYED_COMMANDS)[number];

const REQUEST_EVENT = 'jetdrive-hub:command';
const REPLY_EVENT = 'jetdrive-hub:reply';

export type ClusterErrorCode = 'CLUSTER_TIMEOUT' | 'CLUSTER_BUSY' | 'CLUSTER_CLOSED' | 'CLUSTER_UNAVAILABLE';

export class ClusterError extends CodedError<ClusterErrorCode> {
  constructor(code: ClusterErrorCode, message: string) {
    super(code, 503, message);
  }
}

interface RelayRequest {
  id: string;
  from: string;
  command: RelayedCommand;
  payload: unknown;
  socketId: string;
}

interface RelayReply {
  id: string;
  to: string;
  result: Result<unknown>;
}

/** Carries out one relayed command on the ingest node, for the socket `socketId` on the node `node`. */
export type RelayExecutor = (command: RelayedCommand, payload: unknown, socketId: string, node: string) => unknown;

export interface CommandRelayOptions {
  /** False while Redis is down: requests are refused at once instead of waiting for their timeout. */
  available: () => boolean;
  timeoutMs: number;
  /** Requests waiting for their answer at once; more are refused with CLUSTER_BUSY. */
  maxPending: number;
}

export const DEFAULT_RELAY_OPTIONS: Readonly<CommandRelayOptions> = Object.freeze({
  available: () => true,
  timeoutMs: 5000,
  maxPending: 256,
});

export interface CommandRelayStats {
  sent: number;
  answered: number;
  timedOut: number;
  refusedBusy: number;
  refusedUnavailable: number;
  executed: number;
  pending: number;
}

export interface CommandRelay {
  /** Sends the command to the ingest node; resolves with its answer (the same Result a local command gives). */
  request(command: RelayedCommand, payload: unknown, socketId: string): Promise<Result<unknown>>;
  stats(): CommandRelayStats;
  close(): void;
}

function isRequest(v: unknown): v is RelayRequest {
  const r = v as Partial<RelayRequest> | null;
  return (
    typeof r?.id === 'string' &&
    typeof r.from === 'string' &&
    typeof r.socketId === 'string' &&
    RELAYED_COMMANDS.includes(r.command as RelayedCommand)
  );
}

function isReply(v: unknown): v is RelayReply {
  const r = v as Partial<RelayReply> | null;
  return typeof r?.id === 'string' && typeof r.to === 'string' && typeof r.result?.ok === 'boolean';
}

/** A command refused by the relay itself, as the wire answer. */
function refusal(code: ClusterErrorCode, message: string): Result<unknown> {
  return { ok: false, error: toWireError(new ClusterError(code, message)) as WireError };
}

/**
 * Commands between nodes over the Socket.IO Redis adapter: an edge sends a request with serverSideEmit, the ingest
 * node (the one with an executor) carries it out and answers with serverSideEmit addressed to the asking node; the
 * answer is matched by id. Unlike serverSideEmit's own ack, the answer comes as soon as the ingest node has it,
 * without waiting for every other edge. Authorization happened where the socket is (the edge's socket guard).
 */
export function createCommandRelay(
  io: HubServer,
  nodeId: string,
  execute: RelayExecutor | null,
  options: Partial<CommandRelayOptions> = {},
): CommandRelay {
  const o: CommandRelayOptions = { ...DEFAULT_RELAY_OPTIONS, ...options };
  const pending = new Map<string, { resolve: (r: Result<unknown>) => void; timer: ReturnType<typeof setTimeout> }>();
  const counts = { sent: 0, answered: 0, timedOut: 0, refusedBusy: 0, refusedUnavailable: 0, executed: 0 };

  const onReply = (reply: unknown): void => {
    if (!isReply(reply) || reply.to !== nodeId) return;
    const waiting = pending.get(reply.id);
    if (!waiting) return;
    pending.delete(reply.id);
    clearTimeout(waiting.timer);
    counts.answered++;
    waiting.resolve(reply.result);
  };

  const onRequest = async (request: unknown): Promise<void> => {
    if (!execute || !isRequest(request)) return;
    counts.executed++;
    let result: Result<unknown>;
    try {
      result = { ok: true, data: await execute(request.command, request.payload, request.socketId, request.from) };
    } catch (error) {
      if (!(error instanceof CodedError)) log.error({ err: error, command: request.command }, 'relayed command failed');
      result = { ok: false, error: toWireError(error) };
    }
    const reply: RelayReply = { id: request.id, to: request.from, result };
    io.serverSideEmit(REPLY_EVENT, reply);
  };

  io.on(REPLY_EVENT, onReply);
  if (execute) io.on(REQUEST_EVENT, onRequest);

  return {
    request(command, payload, socketId) {
      if (!o.available()) {
        counts.refusedUnavailable++;
        return Promise.resolve(
          refusal(
            'CLUSTER_UNAVAILABLE',
            `${command}: this node cannot reach Redis (so not the ingest node) just now; try again`,
          ),
        );
      }
      if (pending.size >= o.maxPending) {
        counts.refusedBusy++;
        return Promise.resolve(
          refusal('CLUSTER_BUSY', `${o.maxPending} commands are already waiting for the ingest node; try again`),
        );
      }
      const id = randomUUID();
      counts.sent++;
      return new Promise((resolve) => {
        const timer = setTimeout(() => {
          pending.delete(id);
          counts.timedOut++;
          resolve(refusal('CLUSTER_TIMEOUT', `the ingest node did not answer ${command} within ${o.timeoutMs} ms`));
        }, o.timeoutMs);
        pending.set(id, { resolve, timer });
        const request: RelayRequest = { id, from: nodeId, command, payload, socketId };
        io.serverSideEmit(REQUEST_EVENT, request);
      });
    },
    stats: () => ({ ...counts, pending: pending.size }),
    close() {
      io.off(REPLY_EVENT, onReply);
      if (execute) io.off(REQUEST_EVENT, onRequest);
      for (const [id, waiting] of pending) {
        clearTimeout(waiting.timer);
        waiting.resolve(refusal('CLUSTER_CLOSED', 'this node is shutting down'));
        pending.delete(id);
      }
    },
  };
}
