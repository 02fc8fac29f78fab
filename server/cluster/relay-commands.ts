import type { AnalysisRegistry, AnalysisSocketHandlers } from '../analysis/index.js';
import type { HubServer } from '../auth/socket-data.js';
import type { ReplayManager } from '../replay/index.js';
import type { SessionRegistry, SessionSocketHandlers } from '../sessions/index.js';
import { type CommandRelay, ClusterError, createCommandRelay, type RelayExecutor } from './command-relay.js';
import { analysisCommand, attachRelayedAnalysisCommands } from './relay-analysis-commands.js';
import { type HttpDispatcher, relayedHttpRequestSchema } from './relay-http-requests.js';
import { attachRelayedReplayCommands, replayCommand } from './relay-replay-commands.js';
import { attachRelayedSessionCommands, sessionCommandExecutor } from './relay-session-commands.js';

/** What runs on the ingest node and what an edge relays to it. */
export interface ClusterFeatures {
  sessions: { registry: SessionRegistry; handlers: SessionSocketHandlers | null };
  replays: ReplayManager;
  analyses: { registry: AnalysisRegistry; handlers: AnalysisSocketHandlers | null };
  /** The ingest node's routes for relayed HTTP requests (null on an edge). */
  http: HttpDispatcher | null;
}

function notHere(command: string): never {
  throw new ClusterError('CLUSTER_UNAVAILABLE', `${command}: this node cannot carry it out for another node`);
}

/** The ingest node's executor: each relayed command against the feature it names. */
function ingestExecutor(io: HubServer, f: ClusterFeatures): RelayExecutor {
  const { handlers } = f.sessions;
  const sessions = handlers ? sessionCommandExecutor(io, f.sessions.registry, handlers) : null;
  const analysisHandlers = f.analyses.handlers;
  return (command, payload, socketId) => {
    if (command === 'http:request') {
      return f.http ? f.http(relayedHttpRequestSchema.parse(payload)) : notHere(command);
    }
    if (command.startsWith('session:')) return sessions ? sessions(command, payload, socketId) : notHere(command);
    if (command.startsWith('replay:')) return replayCommand(f.replays, command, payload);
    if (!analysisHandlers) return notHere(command);
    return analysisCommand({ registry: f.analyses.registry, handlers: analysisHandlers }, command, payload, socketId);
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
): { relay: CommandRelay; detach(): void } {
  if (role === 'ingest') {
    return { relay: createCommandRelay(io, id, ingestExecutor(io, features), { available }), detach: () => undefined };
  }
  const relay = createCommandRelay(io, id, null, { available });
  const attached = [
    attachRelayedSessionCommands(io, relay),
    attachRelayedReplayCommands(io, relay),
    attachRelayedAnalysisCommands(io, relay),
  ];
  return {
    relay,
    detach: () => {
      for (const a of attached) a.detach();
    },
  };
}
