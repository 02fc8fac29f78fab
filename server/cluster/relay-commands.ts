import {
  analysisAddRunsSchema,
  analysisExportSchema,
  analysisIdSchema,
  analysisStartSchema,
  noPayloadSchema,
  replayIdSchema,
  replaySeekSchema,
  replayStartSchema,
} from '@jetdrive-hub/client/contract';
import type { Observable } from 'rxjs';
import type { z } from 'zod';
import { ANALYSIS_COMMAND_OPTIONS, type AnalysisRegistry, type AnalysisSocketHandlers } from '../analysis/index.js';
import type { HubServer } from '../auth/socket-data.js';
import type { CommandOptions } from '../realtime/on-command.js';
import { REPLAY_COMMAND_OPTIONS, type ReplayManager } from '../replay/index.js';
import type { RunCapture, RunLibrary } from '../runs/index.js';
import type { SessionRegistry, SessionSocketHandlers } from '../sessions/index.js';
import {
  ClusterError,
  type CommandRelay,
  createCommandRelay,
  type RelayExecutor,
  type RelayedSocketCommand,
} from './command-relay.js';
import { analysisCommand, attachRelayedAnalysisWatches } from './relay-analysis-commands.js';
import { type HttpDispatcher, relayedHttpRequestSchema } from './relay-http-requests.js';
import { replayCommand } from './relay-replay-commands.js';
import { RELAYED_RUN_COMMANDS, runCommand } from './relay-run-commands.js';
import type { RemoteWatches } from './remote-watches.js';
import { attachRelayedSessionCommands, sessionCommandExecutor } from './relay-session-commands.js';
import { onEachConnection, type RelayTable, relayEach } from './relay-socket-command.js';

const r = REPLAY_COMMAND_OPTIONS;
const a = ANALYSIS_COMMAND_OPTIONS;
/** Each of `events` with one schema and payload wording. */
const sharing = (events: readonly RelayedSocketCommand[], schema: z.ZodType, options: CommandOptions): RelayTable =>
  events.map((event) => [event, schema, options] as const);

/** Replay, analysis and run commands an edge relays as they are: same names, schemas and wording as on one node. */
const RELAYED_AS_THEY_ARE: RelayTable = [
  ...sharing(['replay:pause', 'replay:resume', 'replay:stop'], replayIdSchema, r.byId),
  ...sharing(['analysis:stop', 'analysis:reset', 'analysis:delete', 'analysis:get'], analysisIdSchema, a.byId),
  ...sharing(['replay:list'], noPayloadSchema, r.noPayload),
  ...sharing(['analysis:list'], noPayloadSchema, a.noPayload),
  ['replay:start', replayStartSchema, r.request],
  ['replay:seek', replaySeekSchema, r.request],
  ['analysis:start', analysisStartSchema, a.start],
  ['analysis:export', analysisExportSchema, a.request],
  ['analysis:add-runs', analysisAddRunsSchema, a.request],
  ...RELAYED_RUN_COMMANDS,
];

/** What runs on the ingest node and what an edge relays to it. */
export interface ClusterFeatures {
  sessions: { registry: SessionRegistry; handlers: SessionSocketHandlers | null };
  replays: ReplayManager;
  runs: { capture: RunCapture; library: RunLibrary };
  analyses: { registry: AnalysisRegistry; handlers: AnalysisSocketHandlers | null };
  /** The ingest node's routes for relayed HTTP requests (null on an edge). */
  http: HttpDispatcher | null;
}

function notHere(command: string): never {
  throw new ClusterError('CLUSTER_UNAVAILABLE', `${command}: this node cannot carry it out for another node`);
}

/** The ingest node's executor: each relayed command against the feature it names. */
function ingestExecutor(io: HubServer, f: ClusterFeatures, watches: RemoteWatches | null): RelayExecutor {
  const { handlers } = f.sessions;
  const sessions = handlers ? sessionCommandExecutor(io, f.sessions.registry, handlers) : null;
  const analysisHandlers = f.analyses.handlers;
  return (command, payload, socketId, node) => {
    if (command === 'http:request') {
      return f.http ? f.http(relayedHttpRequestSchema.parse(payload)) : notHere(command);
    }
    if (command.startsWith('session:')) return sessions ? sessions(command, payload, socketId, node) : notHere(command);
    if (command.startsWith('replay:')) return replayCommand(f.replays, command, payload);
    if (command.startsWith('run:') || command.startsWith('recording:')) return runCommand(f.runs, command, payload);
    if (!analysisHandlers) return notHere(command);
    const analyses = { registry: f.analyses.registry, handlers: analysisHandlers, watches };
    return analysisCommand(analyses, command, payload, { socketId, node });
  };
}

/**
 * The command relay of a node's role. An edge relays the session, replay and analysis commands of its sockets (and,
 * through relayHttpRequests, their HTTP routes); the ingest node carries them out.
 */
export function relayOf(
  io: HubServer,
  id: string,
  role: 'ingest' | 'edge',
  available: () => boolean,
  features: ClusterFeatures,
  links: { watches: RemoteWatches | null; reconnected$: Observable<unknown> },
): { relay: CommandRelay; detach(): void } {
  if (role === 'ingest') {
    const execute = ingestExecutor(io, features, links.watches);
    return { relay: createCommandRelay(io, id, execute, { available }), detach: () => undefined };
  }
  const relay = createCommandRelay(io, id, null, { available });
  const attached = [
    attachRelayedSessionCommands(io, relay),
    onEachConnection(io, (socket) => relayEach(socket, relay, RELAYED_AS_THEY_ARE)),
    attachRelayedAnalysisWatches(io, relay, links.reconnected$),
  ];
  return {
    relay,
    detach: () => {
      for (const a of attached) a.detach();
    },
  };
}
