import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { ClusterView, SourceState } from '@jetdrive-hub/client/contract';
import { type Observable, of, type Subscription } from 'rxjs';
import type { HubServer } from '../auth/socket-data.js';
import type { Ingest, IngestOptions } from '../ingest/index.js';
import type { SessionRegistry, SessionSocketHandlers } from '../sessions/index.js';
import { attachRedisAdapter, type RedisAdapterStats } from './attach-redis-adapter.js';
import { type ClusterKeys, clusterKeys } from './cluster-keys.js';
import { type CommandRelay, type CommandRelayStats, createCommandRelay } from './command-relay.js';
import { createStreamPublisher, type StreamPublisherStats } from './create-stream-publisher.js';
import { createStreamReader, type StreamReaderStats } from './create-stream-reader.js';
import { createNodeDirectory, type NodeDirectory } from './node-directory.js';
import { createRedisConnection, type RedisConnection, type RedisState } from './redis-connection.js';
import { attachRelayedSessionCommands, sessionCommandExecutor } from './relay-session-commands.js';

export interface ClusterNodeConfig {
  role: 'ingest' | 'edge';
  redisUrl: string;
  /** Prefix of every Redis key (several clusters may share one Redis). */
  keyPrefix?: string;
  streamMaxLen: number;
  readCount: number;
  source: 'simulated' | 'live';
  maxProviders: number;
  maxChannelsPerProvider: number;
}

export interface ClusterNodeStats {
  role: 'ingest' | 'edge';
  node: string;
  redis: RedisState;
  publisher: StreamPublisherStats | null;
  reader: StreamReaderStats | null;
  relay: CommandRelayStats | null;
  adapter: RedisAdapterStats | null;
}

export interface ClusterNode {
  readonly role: 'ingest' | 'edge';
  readonly id: string;
  /** What createIngest needs: the publisher's hook on an ingest node; the stream as the only source on an edge. */
  ingestOptions(): Partial<IngestOptions>;
  /** After ingest.start(): an edge starts reading (and applies the ingest node's clocks). */
  start(ingest: Ingest): void;
  /** The Redis adapter and the command relay on the gateway's server; the session commands per role. */
  attachIo(
    io: HubServer,
    sessions: { registry: SessionRegistry; handlers: SessionSocketHandlers | null },
  ): {
    detach(): void;
  };
  /** The URL this node serves viewers on, for the node directory. */
  listening(url: string): void;
  view(): ClusterView;
  readonly sourceState$: Observable<SourceState>;
  stats(): ClusterNodeStats;
  close(): Promise<void>;
}

type Connect = (name: string, offlineQueue: boolean) => RedisConnection;

/** The data path of the node's role: a publisher on the ingest node, a reader on an edge. */
function dataPathOf(
  config: ClusterNodeConfig,
  keys: ClusterKeys,
  id: string,
  connect: Connect,
  ingest: () => Ingest | null,
) {
  if (config.role === 'edge') {
    return {
      publisher: null,
      reader: createStreamReader(connect('reader', true), keys, { readCount: config.readCount }),
    };
  }
  const publisher = createStreamPublisher(
    {
      connection: connect('publisher', false),
      keys,
      nodeId: id,
      source: config.source,
      ownHostId: () => ingest()?.hostId() ?? null,
      providers: () => ingest()?.node.providers() ?? [],
    },
    {
      maxLen: config.streamMaxLen,
      maxProviders: config.maxProviders,
      maxFramesPerProvider: config.maxChannelsPerProvider,
    },
  );
  return { publisher, reader: null };
}

/** Edges relay session commands; the ingest node carries them out (when it runs sessions). */
function relayOf(
  io: HubServer,
  id: string,
  role: 'ingest' | 'edge',
  available: () => boolean,
  sessions: { registry: SessionRegistry; handlers: SessionSocketHandlers | null },
): { relay: CommandRelay; detach(): void } {
  if (role === 'edge') {
    const relay = createCommandRelay(io, id, null, { available });
    return { relay, detach: attachRelayedSessionCommands(io, relay).detach };
  }
  const { registry, handlers } = sessions;
  const executor = handlers ? sessionCommandExecutor(io, registry, handlers) : null;
  return { relay: createCommandRelay(io, id, executor, { available }), detach: () => undefined };
}

/**
 * One node of a cluster: the Redis connections, the data stream (published by the ingest node, read by edges), the
 * Socket.IO adapter and command relay, and the node directory. The hub wires it in (server/hub.ts).
 */
export function createClusterNode(config: ClusterNodeConfig): ClusterNode {
  const keys = clusterKeys(config.keyPrefix);
  const id = `${config.role}-${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
  const connections: RedisConnection[] = [];
  const connect: Connect = (name, offlineQueue) => {
    const c = createRedisConnection({ url: config.redisUrl, name, offlineQueue });
    connections.push(c);
    return c;
  };
  // Commands (heartbeats, directory, catalog) wait for a reconnect; the publisher's never queue (see there).
  const main = connect('main', true);
  let url: string | null = null;
  const directory: NodeDirectory = createNodeDirectory(main, keys, { id, role: config.role, url: () => url });
  let ingestRef: Ingest | null = null;
  const { publisher, reader } = dataPathOf(config, keys, id, connect, () => ingestRef);
  let clockSub: Subscription | null = null;
  let relay: CommandRelay | null = null;
  let adapter: ReturnType<typeof attachRedisAdapter> | null = null;

  return {
    role: config.role,
    id,
    ingestOptions: () =>
      publisher
        ? { afterDatagram: (d) => publisher.onDatagram(d) }
        : // An edge never opens a UDP socket and never transmits: the stream is its whole JetDrive network.
          { datagrams$: reader?.datagrams$, passive: true },
    start(ingest) {
      ingestRef = ingest;
      if (reader) {
        clockSub = reader.clocks$.subscribe((c) => {
          for (const p of ingest.node.providers()) if (p.hostId === c.hostId) p.clock.adopt(c.offsetMs, c.latencyMs);
        });
        reader.start();
      }
      void directory.refresh().catch(() => undefined);
    },
    attachIo(io, sessions) {
      adapter = attachRedisAdapter(io, connect('adapter', true), keys.adapter);
      const attached = relayOf(io, id, config.role, () => main.state() === 'ready', sessions);
      relay = attached.relay;
      return attached;
    },
    listening(u) {
      url = u;
      void directory.refresh().catch(() => undefined);
    },
    view: () => ({ role: config.role, node: id, nodes: directory.nodes() }),
    sourceState$: reader ? reader.source$ : of({ state: 'live' as const, since: Date.now(), reason: 'ingest node' }),
    stats: () => ({
      role: config.role,
      node: id,
      redis: main.state(),
      publisher: publisher?.stats() ?? null,
      reader: reader?.stats() ?? null,
      relay: relay?.stats() ?? null,
      adapter: adapter?.stats() ?? null,
    }),
    async close() {
      clockSub?.unsubscribe();
      relay?.close();
      publisher?.close();
      reader?.close();
      await directory.close();
      for (const c of connections) c.close();
    },
  };
}
