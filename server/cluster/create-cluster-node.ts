import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { ClusterView, SourceState } from '@jetdrive-hub/client/contract';
import type { Middleware } from 'koa';
import { type Observable, of, Subject, type Subscription } from 'rxjs';
import type { HubServer } from '../auth/socket-data.js';
import { toWireError } from '../errors/coded-error.js';
import type { Ingest, IngestOptions } from '../ingest/index.js';
import type { ReplayTap } from '../replay/index.js';
import { attachRedisAdapter, type RedisAdapterStats } from './attach-redis-adapter.js';
import { type ClusterKeys, clusterKeys } from './cluster-keys.js';
import { ClusterError, type CommandRelay, type CommandRelayStats } from './command-relay.js';
import { createStreamPublisher, type StreamPublisher, type StreamPublisherStats } from './create-stream-publisher.js';
import { createStreamReader, type StreamReader, type StreamReaderStats } from './create-stream-reader.js';
import { createNodeDirectory, type NodeDirectory } from './node-directory.js';
import { createRedisConnection, type RedisConnection, type RedisState } from './redis-connection.js';
import { type ClusterFeatures, relayOf } from './relay-commands.js';
import { type RouteMatcher, relayHttpRequests } from './relay-http-requests.js';
import { RemoteWatches, type RemoteWatchStats } from './remote-watches.js';
import { ReplayMirrors, type ReplayMirrorStats } from './replay-mirrors.js';
import type { IngestSource } from './stream-entry.js';

export interface ClusterNodeConfig {
  role: 'ingest' | 'edge';
  redisUrl: string;
  /** Prefix of every Redis key (several clusters may share one Redis). */
  keyPrefix?: string;
  streamMaxLen: number;
  readCount: number;
  /** What this node runs (an ingest node announces it in its heartbeat; an edge says it until the first one). */
  source: IngestSource;
  maxProviders: number;
  maxChannelsPerProvider: number;
  /** A mirrored replay's providers go offline after this much silence (as on the ingest node). */
  replayOfflineAfterMs?: number;
}

export interface ClusterNodeStats {
  role: 'ingest' | 'edge';
  node: string;
  redis: RedisState;
  publisher: StreamPublisherStats | null;
  reader: StreamReaderStats | null;
  /** An edge's mirrors of the ingest node's replays (null on the ingest node). */
  replayMirrors: ReplayMirrorStats | null;
  /** The ingest node's analysis watches for other nodes' viewers (null on an edge). */
  remoteWatches: RemoteWatchStats | null;
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
  /** The Redis adapter and the command relay on the gateway's server; the relayed commands per role. */
  attachIo(io: HubServer, features: ClusterFeatures): { detach(): void };
  /** An edge's HTTP relay of the routes that run on the ingest node (see relayHttpRequests). */
  httpRelay(routes: readonly RouteMatcher[]): Middleware;
  /** The ingest node's hook into its replays: their datagrams and ends go to the stream (null on an edge). */
  replayTap(): ReplayTap | null;
  /** The data source: the ingest node's (from its heartbeat, on an edge). */
  source(): IngestSource;
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

/** Before the gateway exists (HTTP is set up first), relayed requests are refused like while Redis is down. */
function lateRelay(get: () => CommandRelay | null): Pick<CommandRelay, 'request'> {
  const starting = (command: string) =>
    new ClusterError('CLUSTER_UNAVAILABLE', `${command}: this node is still starting; try again`);
  return {
    request: (command, payload, socketId) =>
      get()?.request(command, payload, socketId) ??
      Promise.resolve({ ok: false, error: toWireError(starting(command)) }),
  };
}

/** An edge reads the stream into `ingest`: datagrams, the ingest node's clocks, and its replays into mirrors. */
function startReading(
  reader: StreamReader,
  ingest: Ingest,
  config: ClusterNodeConfig,
  subs: Subscription[],
): ReplayMirrors {
  subs.push(
    reader.clocks$.subscribe((c) => {
      for (const p of ingest.node.providers()) if (p.hostId === c.hostId) p.clock.adopt(c.offsetMs, c.latencyMs);
    }),
  );
  const mirrors = new ReplayMirrors(ingest.sink, {
    offlineAfterMs: config.replayOfflineAfterMs ?? 5000,
    maxProviders: config.maxProviders,
  });
  subs.push(reader.replays$.subscribe((entry) => mirrors.feed(entry)));
  subs.push(reader.activeReplays$.subscribe((slots) => mirrors.retain(slots)));
  reader.start();
  return mirrors;
}

/** The ingest node's replays, published to the stream. */
function replayTapOf(publisher: StreamPublisher): ReplayTap {
  return {
    datagram: (slot, prefix, d) => publisher.onReplayDatagram(slot, prefix, d),
    ended: (slot) => publisher.onReplayEnd(slot),
  };
}

/** Opens the node's Redis connections, each kept to be closed with the node. */
function connectorOf(url: string): { connect: Connect; connections: RedisConnection[] } {
  const connections: RedisConnection[] = [];
  const connect: Connect = (name, offlineQueue) => {
    const c = createRedisConnection({ url, name, offlineQueue });
    connections.push(c);
    return c;
  };
  return { connect, connections };
}

/**
 * The node directory; its refreshes expire the ingest node's watches for nodes gone (`watches`), and `lapses$` says
 * when this node's own heartbeat lapsed (the ingest node may have expired an edge's watches: it sends them again).
 */
function directoryOf(
  main: RedisConnection,
  keys: ClusterKeys,
  self: Parameters<typeof createNodeDirectory>[2],
  watches: () => RemoteWatches | null,
): { directory: NodeDirectory; lapses$: Subject<void> } {
  const lapses$ = new Subject<void>();
  const directory = createNodeDirectory(main, keys, self, {
    onRefresh: (live) => watches()?.sweep(live, Date.now()),
    onLapse: () => lapses$.next(),
  });
  return { directory, lapses$ };
}

/** The ingest node's record of other nodes' analysis watches (none on an edge, or without analyses). */
function remoteWatchesOf(role: 'ingest' | 'edge', features: ClusterFeatures): RemoteWatches | null {
  const handlers = features.analyses.handlers;
  if (role !== 'ingest' || !handlers) return null;
  return new RemoteWatches((analysisId, socketId) => handlers.unwatchRemote(analysisId, socketId));
}

/**
 * One node of a cluster: the Redis connections, the data stream (published by the ingest node, read by edges), the
 * Socket.IO adapter and command relay, and the node directory. The hub wires it in (server/hub.ts).
 */
export function createClusterNode(config: ClusterNodeConfig): ClusterNode {
  const keys = clusterKeys(config.keyPrefix);
  const id = `${config.role}-${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
  const { connect, connections } = connectorOf(config.redisUrl);
  // Commands (heartbeats, directory, catalog) wait for a reconnect; the publisher's never queue (see there).
  const main = connect('main', true);
  let url: string | null = null;
  // The ingest node's watches for other nodes' viewers (set once the gateway is attached), expired by the directory.
  let remoteWatches: RemoteWatches | null = null;
  const self = { id, role: config.role, url: () => url };
  const { directory, lapses$ } = directoryOf(main, keys, self, () => remoteWatches);
  let ingestRef: Ingest | null = null;
  const { publisher, reader } = dataPathOf(config, keys, id, connect, () => ingestRef);
  const subs: Subscription[] = [];
  let relay: CommandRelay | null = null;
  let adapter: ReturnType<typeof attachRedisAdapter> | null = null;
  let mirrors: ReplayMirrors | null = null;

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
      if (reader) mirrors = startReading(reader, ingest, config, subs);
      void directory.refresh().catch(() => undefined);
    },
    attachIo(io, features) {
      adapter = attachRedisAdapter(io, connect('adapter', true), keys.adapter);
      remoteWatches = remoteWatchesOf(config.role, features);
      const links = { watches: remoteWatches, reconnected$: lapses$ };
      const attached = relayOf(io, id, config.role, () => main.state() === 'ready', features, links);
      relay = attached.relay;
      // Gaps are this edge's own: told to its viewers only, never through the adapter.
      if (reader) subs.push(reader.gaps$.subscribe((gap) => io.local.emit('source:gap', gap)));
      return attached;
    },
    httpRelay: (routes) =>
      relayHttpRequests(
        lateRelay(() => relay),
        routes,
      ),
    replayTap: () => (publisher ? replayTapOf(publisher) : null),
    source: () => reader?.stats().ingestSource ?? config.source,
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
      replayMirrors: mirrors?.stats() ?? null,
      remoteWatches: remoteWatches?.stats() ?? null,
      relay: relay?.stats() ?? null,
      adapter: adapter?.stats() ?? null,
    }),
    async close() {
      for (const sub of subs) sub.unsubscribe();
      lapses$.complete();
      mirrors?.close();
      relay?.close();
      publisher?.close();
      reader?.close();
      await directory.close();
      for (const c of connections) c.close();
    },
  };
}
