import { Observable } from 'rxjs';
import { type ChannelRegistryHandle, createChannelRegistry } from '../channels/create-channel-registry.js';
import type { RegistryOptions } from '../channels/default-registry-options.js';
import type { ChannelRegistry, QuantityResolver } from '../channels/types.js';
import { createJetDriveNode, type JetDriveNode, type JetDriveNodeStatus } from '../jetdrive/create-jetdrive-node.js';
import { createNodeCounters } from '../jetdrive/create-node-counters.js';
import type { JetDriveNodeOptions } from '../jetdrive/default-node-options.js';
import type { JetDriveSink } from '../jetdrive/types.js';
import { createMulticastSender, type MulticastSender } from '../transport/create-multicast-sender.js';
import { DEFAULT_MULTICAST_OPTIONS } from '../transport/default-multicast-options.js';
import type { Datagram, JoinResult, MulticastOptions } from '../transport/types.js';
import { udpDatagrams$ } from '../transport/udp-datagrams.js';
import { createDatagramTap } from './create-datagram-tap.js';

export interface IngestOptions {
  /** Defaults: DEFAULT_MULTICAST_OPTIONS (loopback only, TTL 0). */
  multicast?: Partial<MulticastOptions>;
  /** Listen only (also settable as node.passive). */
  passive?: boolean;
  node?: Partial<JetDriveNodeOptions>;
  registry?: Partial<RegistryOptions>;
  resolver?: QuantityResolver;
  /**
   * An alternative source (replay, tests): no socket is opened. Nothing is transmitted unless `send` is given.
   */
  datagrams$?: Observable<Datagram>;
  send?: (bytes: Uint8Array) => void;
  /**
   * Called with every datagram right after the JetDrive node handled it (so the node's state, e.g. a clock synced
   * by a Pong, already includes it): the cluster publisher forwards what the ingest node received.
   */
  afterDatagram?: (d: Datagram) => void;
}

/** `source` with `after` (when given) called once each datagram's subscribers (the node) are done with it. */
function withAfter(source: Observable<Datagram>, after?: (d: Datagram) => void): Observable<Datagram> {
  if (!after) return source;
  return new Observable<Datagram>((subscriber) =>
    source.subscribe({
      next: (d) => {
        subscriber.next(d);
        after(d);
      },
      error: (error: unknown) => subscriber.error(error),
      complete: () => subscriber.complete(),
    }),
  );
}

export interface IngestStatus {
  node: JetDriveNodeStatus;
  /** The bound UDP port (null with an alternative source or before start). */
  port: number | null;
  joins: JoinResult[];
  sender: { sent: number; dropped: number; errors: Record<string, number> } | null;
}

export interface Ingest {
  readonly registry: ChannelRegistry;
  /** The registry's write side, for another datagram source with a node of its own (a replay) to feed it too. */
  readonly sink: JetDriveSink;
  readonly node: JetDriveNode;
  /** Group × interface joins, known once start() resolved. */
  readonly joins: JoinResult[];
  /** The bound UDP port once started (useful with port 0). */
  port(): number | null;
  hostId(): number | null;
  /** Opens the socket, joins, claims a host id. Rejects (with the transport's message) when binding fails. */
  start(): Promise<void>;
  /** Closes the sockets; the registry stays readable. */
  stop(): Promise<void>;
  status(): IngestStatus;
  /**
   * Calls `listener` with every datagram the node receives (bytes as received, source, receive time), before the
   * node decodes it; synchronous, on the hot path: copy what you keep. Returns the removal.
   */
  onDatagram(listener: (d: Datagram) => void): () => void;
}

/** The live ingest the app wires: multicast socket → JetDrive node → channel registry. */
export function createIngest(options: IngestOptions = {}): Ingest {
  const multicast: MulticastOptions = { ...DEFAULT_MULTICAST_OPTIONS, ...options.multicast };
  const passive = options.passive ?? options.node?.passive ?? false;
  const counters = createNodeCounters();
  const registry: ChannelRegistryHandle = createChannelRegistry(options.registry, {
    counters,
    resolver: options.resolver,
  });
  let joins: JoinResult[] = [];
  let port: number | null = null;
  let sender: MulticastSender | null = null;
  let markReady: () => void = () => {};

  let datagrams$: Observable<Datagram>;
  let send: ((bytes: Uint8Array) => void) | null;
  let ready: Promise<void> = Promise.resolve();
  if (options.datagrams$) {
    datagrams$ = options.datagrams$;
    send = options.send ?? null;
  } else {
    datagrams$ = udpDatagrams$(multicast, (info) => {
      joins = info.joins;
      port = info.port;
      if (!passive) {
        const ifaces = [...new Set(info.joins.filter((j) => j.ok).map((j) => j.iface))];
        sender = createMulticastSender({ ...multicast, port: info.port }, ifaces);
      }
      markReady();
    });
    send = passive ? null : (bytes) => sender?.send(bytes);
  }
  const datagramTap = createDatagramTap(datagrams$);

  const node = createJetDriveNode(
    {
      datagrams$: withAfter(datagramTap.tapped$, options.afterDatagram),
      get ready() {
        return ready;
      },
      send,
      sink: registry.sink,
      counters,
    },
    { ...options.node, passive },
  );

  return {
    registry,
    sink: registry.sink,
    node,
    get joins() {
      return joins;
    },
    port: () => port,
    hostId: () => node.hostId(),
    async start() {
      if (!options.datagrams$) {
        ready = new Promise<void>((resolve) => {
          markReady = resolve;
        });
      }
      await node.start();
    },
    async stop() {
      node.stop();
      const s = sender;
      sender = null;
      await s?.close();
    },
    onDatagram: datagramTap.onDatagram,
    status: () => ({
      node: node.status(),
      port,
      joins,
      sender: sender ? sender.stats() : null,
    }),
  };
}
