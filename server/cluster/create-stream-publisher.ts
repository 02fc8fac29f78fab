import { randomBytes } from 'node:crypto';
import type { Subscription } from 'rxjs';
import type { ProviderState } from '../jetdrive/types.js';
import { createLogger } from '../log.js';
import { HEADER_SIZE, KEY } from '../protocol/types.js';
import type { Datagram } from '../transport/types.js';
import { CatalogSnapshot, packEntries } from './catalog-snapshot.js';
import type { ClusterKeys } from './cluster-keys.js';
import type { RedisConnection } from './redis-connection.js';
import { encodeStreamEntry, type IngestSource } from './stream-entry.js';
import { formatSequence } from './stream-sequence.js';

const log = createLogger('cluster');

export interface StreamPublisherDeps {
  connection: RedisConnection;
  keys: ClusterKeys;
  nodeId: string;
  source: IngestSource;
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
  /** A datagram a replay fed its own node (slot and provider-name prefix as the replay namespaces them). */
  onReplayDatagram(slot: number, prefix: string, d: Datagram): void;
  /** The replay in `slot` stopped: edges drop its providers. */
  onReplayEnd(slot: number): void;
  stats(): StreamPublisherStats;
  close(): void;
}

/** A replayed provider's key in the catalog snapshot: its namespaced host id (as in server/replay/). */
const replayHost = (slot: number, host: number): number => slot * 0x1_0000 + host;

const headerOf = (bytes: Uint8Array): { key: number; host: number } | null =>
  bytes.byteLength >= HEADER_SIZE ? { key: bytes[0], host: bytes[3] | (bytes[4] << 8) } : null;

function clockEntry(p: ProviderState): Buffer | null {
  const { offsetMs, latencyMs } = p.clock;
  if (offsetMs === null || latencyMs === null) return null;
  return encodeStreamEntry({ kind: 'clock', hostId: p.hostId, offsetMs, latencyMs });
}

type Pipeline = ReturnType<RedisConnection['redis']['pipeline']>;

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
  return new RedisStreamPublisher(deps, { ...DEFAULT_PUBLISHER_OPTIONS, ...options });
}

class RedisStreamPublisher implements StreamPublisher {
  readonly #deps: StreamPublisherDeps;
  readonly #o: StreamPublisherOptions;
  readonly #snapshot: CatalogSnapshot;
  readonly #stats = { published: 0, bytes: 0, dropped: { redisDown: 0, queueFull: 0, inFlight: 0, failed: 0 } };
  /** Hosts whose catalog entry must be written with the next flush. */
  readonly #catalogWrites = new Set<number>();
  readonly #beat: ReturnType<typeof setInterval>;
  readonly #readySub: Subscription;
  /** This start's epoch and the next entry's number (see stream-sequence.ts). */
  readonly #epoch = randomBytes(4).toString('hex');
  #seq = 0;
  /**
   * Replays publishing now, slot -> prefix (at most 255: slots are a u8). Every heartbeat lists them, so an edge that
   * missed a replay's end (Redis was down) drops its providers at the next heartbeat it reads.
   */
  readonly #replays = new Map<number, string>();
  #queue: Buffer[] = [];
  #scheduled = false;
  #inFlight = 0;
  #closed = false;

  constructor(deps: StreamPublisherDeps, options: StreamPublisherOptions) {
    this.#deps = deps;
    this.#o = options;
    this.#snapshot = new CatalogSnapshot(options);
    this.#beat = setInterval(() => this.#enqueue(this.#beatEntry()), options.beatIntervalMs);
    this.#beat.unref();
    // Redis lost everything (or this is the first connection): the catalog hash is written again in full.
    this.#readySub = deps.connection.state$.subscribe((state) => {
      if (state !== 'ready') return;
      for (const host of this.#snapshot.hosts()) this.#catalogWrites.add(host);
      this.#schedule();
    });
  }

  onDatagram(d: Datagram): void {
    const header = headerOf(d.bytes);
    if (header !== null && header.host === this.#deps.ownHostId()) return;
    this.#enqueue(encodeStreamEntry({ kind: 'datagram', datagram: { ...d, bytes: Buffer.from(d.bytes) } }));
    if (header === null) return;
    if (header.key === KEY.Pong) {
      const clock = this.#clockOf(header.host);
      if (clock) this.#enqueue(clock);
      this.#catalogWrites.add(header.host);
    } else if (this.#snapshot.note(header.host, header.key, d)) {
      this.#catalogWrites.add(header.host);
      this.#schedule();
    }
  }

  onReplayDatagram(slot: number, prefix: string, d: Datagram): void {
    this.#replays.set(slot, prefix);
    const datagram = { ...d, bytes: Buffer.from(d.bytes) };
    this.#enqueue(encodeStreamEntry({ kind: 'replay', slot, prefix, datagram }));
    const header = headerOf(d.bytes);
    // The catalog keeps a replayed provider under its namespaced id, so an edge that starts late knows its channels.
    if (header !== null && this.#snapshot.note(replayHost(slot, header.host), header.key, datagram, prefix)) {
      this.#catalogWrites.add(replayHost(slot, header.host));
    }
  }

  onReplayEnd(slot: number): void {
    this.#replays.delete(slot);
    this.#enqueue(encodeStreamEntry({ kind: 'replay-end', slot }));
    for (const host of this.#snapshot.hosts()) {
      if (Math.floor(host / 0x1_0000) === slot && this.#snapshot.forget(host)) this.#catalogWrites.add(host);
    }
  }

  stats(): StreamPublisherStats {
    const catalog = this.#snapshot.stats();
    return {
      ...this.#stats,
      dropped: { ...this.#stats.dropped },
      inFlight: this.#inFlight,
      catalogProviders: catalog.providers,
      catalogDropped: catalog.dropped,
    };
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#beat);
    this.#readySub.unsubscribe();
    log.debug({ ...this.#stats }, 'stream publisher closed');
  }

  #beatEntry(): Buffer {
    const replays = [...this.#replays].map(([slot, prefix]) => ({ slot, prefix }));
    return encodeStreamEntry({ kind: 'beat', node: this.#deps.nodeId, source: this.#deps.source, replays });
  }

  #clockOf(host: number): Buffer | null {
    for (const p of this.#deps.providers()) if (p.hostId === host) return clockEntry(p);
    return null;
  }

  #enqueue(entry: Buffer): void {
    if (this.#queue.length >= this.#o.maxQueued) {
      this.#stats.dropped.queueFull++;
      return;
    }
    this.#queue.push(entry);
    this.#schedule();
  }

  #schedule(): void {
    if (this.#scheduled) return;
    this.#scheduled = true;
    setImmediate(() => this.#flush());
  }

  #flush(): void {
    this.#scheduled = false;
    const entries = this.#queue;
    this.#queue = [];
    if (entries.length === 0 && this.#catalogWrites.size === 0) return;
    const dropped = this.#stats.dropped;
    if (this.#closed || this.#deps.connection.state() !== 'ready') {
      dropped.redisDown += entries.length;
      return;
    }
    if (this.#inFlight >= this.#o.maxInFlight) {
      dropped.inFlight += entries.length;
      return;
    }
    const pipeline = this.#deps.connection.redis.pipeline();
    let bytes = 0;
    for (const entry of entries) {
      const n = formatSequence({ epoch: this.#epoch, seq: this.#seq++ });
      pipeline.xadd(this.#deps.keys.data, 'MAXLEN', '~', this.#o.maxLen, '*', 'm', entry, 'n', n);
      bytes += entry.length;
    }
    for (const host of this.#catalogWrites) this.#writeCatalog(pipeline, host);
    this.#catalogWrites.clear();
    this.#send(pipeline, entries.length, bytes);
  }

  #send(pipeline: Pipeline, entries: number, bytes: number): void {
    this.#inFlight++;
    pipeline.exec().then(
      (results) => {
        this.#inFlight--;
        let failed = 0;
        for (const [error] of results ?? []) if (error) failed++;
        failed = Math.min(failed, entries);
        this.#stats.dropped.failed += failed;
        this.#stats.published += entries - failed;
        this.#stats.bytes += bytes;
      },
      () => {
        this.#inFlight--;
        this.#stats.dropped.failed += entries;
      },
    );
  }

  #writeCatalog(pipeline: Pipeline, host: number): void {
    const key = this.#deps.keys.catalog;
    const frames = this.#snapshot.framesOf(host);
    if (frames.length === 0) pipeline.hdel(key, `p:${host}`);
    else {
      const prefix = this.#snapshot.prefixOf(host);
      const slot = Math.floor(host / 0x1_0000);
      const entryOf = (datagram: Datagram) =>
        encodeStreamEntry(
          prefix === null ? { kind: 'datagram', datagram } : { kind: 'replay', slot, prefix, datagram },
        );
      pipeline.hset(key, `p:${host}`, packEntries(frames.map(entryOf)));
    }
    const clock = this.#clockOf(host);
    if (clock) pipeline.hset(key, `c:${host}`, clock);
  }
}
