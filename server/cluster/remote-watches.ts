import { createLogger } from '../log.js';
import { ClusterError } from './command-relay.js';

const log = createLogger('cluster');

export interface RemoteWatchOptions {
  /** Watches (socket, analysis) held for other nodes' sockets at once; more are refused with CLUSTER_BUSY. */
  maxWatches: number;
  /** A node missing from the directory this long, while Redis is reachable, is gone: its watches expire. */
  graceMs: number;
}

export const DEFAULT_REMOTE_WATCH_OPTIONS: Readonly<RemoteWatchOptions> = Object.freeze({
  maxWatches: 8192,
  graceMs: 6000,
});

export interface RemoteWatchStats {
  /** Watches held now, and the nodes they belong to. */
  watches: number;
  nodes: number;
  /** Watches ended because their node left the cluster without unwatching (it died or was cut off). */
  expired: number;
  /** Watches refused because maxWatches were held. */
  refused: number;
}

/** Ends one socket's watch of one analysis (the ingest node's analysis handlers). */
export type Unwatch = (analysisId: string, socketId: string) => void;

/**
 * The ingest node's record of which analyses other nodes' sockets watch (`analysis:watch` relayed per remote socket
 * id). An edge unwatches when its socket goes; an edge that dies cannot, so a watch whose node has been missing from
 * the node directory for `graceMs` — counted only while this node reaches Redis, so an outage of its own or a slow
 * reconnect does not look like every edge dying — is ended here. Bounded: at most `maxWatches`.
 */
export class RemoteWatches {
  /** socket id -> its node and the analyses it watches. */
  readonly #sockets = new Map<string, { node: string; ids: Set<string> }>();
  /** node -> when the directory was first seen without it (while Redis was reachable). */
  readonly #missingSince = new Map<string, number>();
  readonly #unwatch: Unwatch;
  readonly #o: RemoteWatchOptions;
  #watches = 0;
  #expired = 0;
  #refused = 0;

  constructor(unwatch: Unwatch, options: Partial<RemoteWatchOptions> = {}) {
    this.#unwatch = unwatch;
    this.#o = { ...DEFAULT_REMOTE_WATCH_OPTIONS, ...options };
  }

  /** Throws CLUSTER_BUSY when the watch would be one more than maxWatches (call before watching). */
  admit(socketId: string, analysisId: string): void {
    if (this.#sockets.get(socketId)?.ids.has(analysisId) || this.#watches < this.#o.maxWatches) return;
    this.#refused++;
    throw new ClusterError(
      'CLUSTER_BUSY',
      `analysis:watch: the ingest node holds ${this.#watches} watches for other nodes' viewers (limit ${this.#o.maxWatches}); unwatch an analysis or try again later`,
    );
  }

  added(node: string, socketId: string, analysisId: string): void {
    let socket = this.#sockets.get(socketId);
    if (!socket) {
      socket = { node, ids: new Set() };
      this.#sockets.set(socketId, socket);
    }
    if (socket.ids.has(analysisId)) return;
    socket.ids.add(analysisId);
    this.#watches++;
  }

  removed(socketId: string, analysisId: string): void {
    const socket = this.#sockets.get(socketId);
    if (!socket?.ids.delete(analysisId)) return;
    this.#watches--;
    if (socket.ids.size === 0) this.#sockets.delete(socketId);
  }

  /** The analysis is gone: nobody watches it any more. */
  analysisRemoved(analysisId: string): void {
    for (const socketId of [...this.#sockets.keys()]) this.removed(socketId, analysisId);
  }

  /**
   * The node directory as just read from Redis (`null`: it could not be read — Redis is down — so nothing expires,
   * and a node's absence counts from when it can be read again).
   */
  sweep(liveNodes: ReadonlySet<string> | null, now: number): void {
    if (liveNodes === null) {
      this.#missingSince.clear();
      return;
    }
    const watched = new Set([...this.#sockets.values()].map((s) => s.node));
    for (const node of this.#missingSince.keys()) {
      if (!watched.has(node) || liveNodes.has(node)) this.#missingSince.delete(node);
    }
    const gone: string[] = [];
    for (const node of watched) {
      if (liveNodes.has(node)) continue;
      const since = this.#missingSince.get(node);
      if (since === undefined) this.#missingSince.set(node, now);
      else if (now - since >= this.#o.graceMs) gone.push(node);
    }
    for (const node of gone) this.#expire(node);
  }

  stats(): RemoteWatchStats {
    const nodes = new Set([...this.#sockets.values()].map((s) => s.node));
    return { watches: this.#watches, nodes: nodes.size, expired: this.#expired, refused: this.#refused };
  }

  #expire(node: string): void {
    let expired = 0;
    for (const [socketId, socket] of [...this.#sockets]) {
      if (socket.node !== node) continue;
      for (const id of socket.ids) this.#unwatch(id, socketId);
      expired += socket.ids.size;
      this.#watches -= socket.ids.size;
      this.#sockets.delete(socketId);
    }
    this.#missingSince.delete(node);
    this.#expired += expired;
    log.info(
      { node, watches: expired },
      'node %s left the cluster without unwatching: %d analysis watches of its viewers ended',
      node,
      expired,
    );
  }
}
