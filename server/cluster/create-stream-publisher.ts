import type { Subscription } from 'rxjs';
import type { ProviderState } from '../jetdrive/types.js';
import { createLogger } from '../log.js';
import { HEADER_SIZE, KEY } from '../protocol/types.js';
import type { Datagram } from '../transport/types.js';
import { CatalogSnapshot, packEntries } from './catalog-snapshot.js';
import type { ClusterKeys } from './cluster-keys.js';
import type { RedisConnection } from './redis-connection.js';
import { encodeStreamEntry, type StreamEntry } from './stream-entry.js';

const log = createLogger('cluster');

export interface StreamPublisherDeps {
  connection: RedisConnection;
  keys: ClusterKeys;
  nodeId: string;
  source: 'simulated' | 'live';
  /** Our JetDrive host id: our own Pings and Pongs are not published (no edge needs them). */
  ownHostId: () => number | null;
  /** The ingest node's providers, for their clock sync after a Pong. */
  providers: () => Iterable<ProviderState>;
}

export interface StreamPublisherOptions {
  /** XADD MAXLEN ~ this. */
  maxLen: number;
  /** Entries waiting for the next flush; beyond it they are dropped and counted. */
  maxQueued: number;
  /** Pipelines sent and not yet answered; beyond it a flush is dropped and counted (Redis too slow). */
  maxInFlight: number;
  beatIntervalMs: number;
  maxProviders: number;
  maxFramesPerProvider: number;
}

export const DEFAULT_PUBLISHER_OPTIONS: Readonly<StreamPublisherOptions> = Object.freeze({
  maxLen: 200_000,
  maxQueued: 20_000,
  maxInFlight: 16,
  beatIntervalMs: 1000,
  maxProviders: 64,
  maxFramesPerProvider: 256,
});

export interface StreamPublisherStats {
  /** Entries Redis accepted. */
  published: number;
  /** Bytes of the entries sent (the data stream's payload, without Redis' own framing). */
  bytes: number;
  /** Entries not published: Redis down, the queue full, too many pipelines in flight, or a failed pipeline. */
  dropped: { redisDown: number; queueFull: number; inFlight: number; failed: number };
  inFlight: number;
  catalogProviders: number;
  catalogDropped: number;
}

export interface StreamPublisher {
  /** Called after the JetDrive node handled `d` (createIngest's afterDatagram). */
  onDatagram(d: Datagram): void;
  stats(): StreamPublisherStats;
  close(): void;
}

const headerOf = (bytes: Uint8Array): { key: number; host: number } | null =>
  bytes.byteLength >= HEADER_SIZE ? { key: bytes[0], host: bytes[3] | (bytes[4] << 8) } : null;

/**
 * The ingest node's side of the data path: every datagram it receives (but its own) goes to the data stream, each
 * Pong followed by the provider's clock sync, and a heartbeat every second. Entries are sent in one pipeline per
 * event-loop turn. While Redis is down nothing queues up: entries are dropped and counted, and the catalog hash
 * is written again when Redis is back.
 */
export function createStreamPublisher(
  deps: StreamPublisherDeps,
  options: Partial<StreamPublisherOptions> = {},
): StreamPublisher {
  const o: StreamPublisherOptions = { ...DEFAULT_PUBLISHER_OPTIONS, ...options };
  const { connection, keys } = deps;
  const redis = connection.redis;
  const snapshot = new CatalogSnapshot(o);
  const stats = { published: 0, bytes: 0, dropped: { redisDown: 0, queueFull: 0, inFlight: 0, failed: 0 } };
  let queue: Buffer[] = [];
  const catalogWrites = new Set<number>();
  let scheduled = false;
  let inFlight = 0;
  let closed = false;

  const clockEntry = (p: ProviderState): Buffer | null =>
    p.clock.offsetMs === null || p.clock.latencyMs === null
      ? null
      : encodeStreamEntry({
          kind: 'clock',
          hostId: p.hostId,
          offsetMs: p.clock.offsetMs,
          latencyMs: p.clock.latencyMs,
        });

  const enqueue = (entry: StreamEntry | Buffer): void => {
    if (queue.length >= o.maxQueued) {
      stats.dropped.queueFull++;
      return;
    }
    queue.push(Buffer.isBuffer(entry) ? entry : encodeStreamEntry(entry));
    if (!scheduled) {
      scheduled = true;
      setImmediate(flush);
    }
  };

  const writeCatalog = (pipeline: ReturnType<typeof redis.pipeline>, host: number): void => {
    const frames = snapshot.framesOf(host);
    if (frames.length === 0) pipeline.hdel(keys.catalog, `p:${host}`);
    else {
      const packed = packEntries(frames.map((datagram) => encodeStreamEntry({ kind: 'datagram', datagram })));
      pipeline.hset(keys.catalog, `p:${host}`, packed);
    }
    for (const p of deps.providers()) {
      const clock = p.hostId === host ? clockEntry(p) : null;
      if (clock) pipeline.hset(keys.catalog, `c:${host}`, clock);
    }
  };

  function flush(): void {
    scheduled = false;
    const entries = queue;
    queue = [];
    if (entries.length === 0 && catalogWrites.size === 0) return;
    if (closed || connection.state() !== 'ready') {
      stats.dropped.redisDown += entries.length;
      return;
    }
    if (inFlight >= o.maxInFlight) {
      stats.dropped.inFlight += entries.length;
      return;
    }
    const pipeline = redis.pipeline();
    let bytes = 0;
    for (const entry of entries) {
      pipeline.xadd(keys.data, 'MAXLEN', '~', o.maxLen, '*', 'm', entry);
      bytes += entry.length;
    }
    for (const host of catalogWrites) writeCatalog(pipeline, host);
    catalogWrites.clear();
    inFlight++;
    pipeline.exec().then(
      (results) => {
        inFlight--;
        let failed = 0;
        for (const [error] of results ?? []) if (error) failed++;
        stats.dropped.failed += Math.min(failed, entries.length);
        stats.published += entries.length - Math.min(failed, entries.length);
        stats.bytes += bytes;
      },
      () => {
        inFlight--;
        stats.dropped.failed += entries.length;
      },
    );
  }

  const rewriteCatalog = (): void => {
    for (const host of snapshot.hosts()) catalogWrites.add(host);
    if (!scheduled) {
      scheduled = true;
      setImmediate(flush);
    }
  };

  const beat = setInterval(() => enqueue({ kind: 'beat', node: deps.nodeId, source: deps.source }), o.beatIntervalMs);
  beat.unref();
  // Redis lost everything (or this is the first connection): the catalog hash is written again in full.
  const readySub: Subscription = connection.state$.subscribe((state) => {
    if (state === 'ready') rewriteCatalog();
  });

  return {
    onDatagram(d) {
      const header = headerOf(d.bytes);
      if (header !== null && header.host === deps.ownHostId()) return;
      enqueue({ kind: 'datagram', datagram: { ...d, bytes: Buffer.from(d.bytes) } });
      if (header === null) return;
      if (header.key === KEY.Pong) {
        for (const p of deps.providers()) {
          const clock = p.hostId === header.host ? clockEntry(p) : null;
          if (clock) enqueue(clock);
        }
        catalogWrites.add(header.host);
      } else if (snapshot.note(header.host, header.key, d)) {
        catalogWrites.add(header.host);
      }
    },
    stats: () => ({
      ...stats,
      dropped: { ...stats.dropped },
      inFlight,
      catalogProviders: snapshot.stats().providers,
      catalogDropped: snapshot.stats().dropped,
    }),
    close() {
      if (closed) return;
      closed = true;
      clearInterval(beat);
      readySub.unsubscribe();
      log.debug({ ...stats }, 'stream publisher closed');
    },
  };
}
