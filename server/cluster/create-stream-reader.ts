import type { SourceGap, SourceState } from '@jetdrive-hub/client/contract';
import { BehaviorSubject, type Observable, Subject, type Subscription } from 'rxjs';
import { createLogger } from '../log.js';
import type { Datagram } from '../transport/types.js';
import { unpackEntries } from './catalog-snapshot.js';
import type { ClusterKeys } from './cluster-keys.js';
import type { RedisConnection } from './redis-connection.js';
import { decodeStreamEntry, type IngestSource, type StreamEntry } from './stream-entry.js';
import { parseSequence, SequenceTracker } from './stream-sequence.js';

const log = createLogger('cluster');

export interface StreamReaderOptions {
  /** Entries per XREAD. */
  readCount: number;
  /** XREAD BLOCK timeout; also how often the ingest node's silence is checked. */
  blockMs: number;
  /** No entry (not even a heartbeat) for this long while Redis is up: the ingest node is offline. */
  offlineAfterMs: number;
}

export const DEFAULT_READER_OPTIONS: Readonly<StreamReaderOptions> = Object.freeze({
  readCount: 1000,
  blockMs: 500,
  offlineAfterMs: 3000,
});

export interface StreamReaderStats {
  entries: number;
  datagrams: number;
  malformed: number;
  /** The last entry id read: where reading goes on after an outage. */
  lastId: string | null;
  /** XREADs that failed (Redis went away under them). */
  readErrors: number;
  /** Times the stream had dropped (MAXLEN) entries this edge had not read yet, and how many entries that was. */
  gaps: number;
  missedEntries: number;
  source: SourceState;
  /** What the ingest node's last heartbeat said it runs (null before the first). */
  ingestSource: IngestSource | null;
}

/** A datagram one of the ingest node's replays fed (slot, prefix), or the end of that replay (`datagram` null). */
export interface ReplayedEntry {
  slot: number;
  prefix: string;
  datagram: Datagram | null;
}

export interface StreamReader {
  /** The ingest node's datagrams, for createIngest's `datagrams$` (no UDP socket on an edge). */
  readonly datagrams$: Observable<Datagram>;
  /** Clock syncs the ingest node measured (an edge cannot ping providers itself). */
  readonly clocks$: Observable<{ hostId: number; offsetMs: number; latencyMs: number }>;
  readonly source$: Observable<SourceState>;
  /** Each gap (entries trimmed before this edge read them), once. */
  readonly gaps$: Observable<SourceGap>;
  readonly replays$: Observable<ReplayedEntry>;
  /** The slots of the replays the ingest node publishes, from each heartbeat that lists them. */
  readonly activeReplays$: Observable<ReadonlySet<number>>;
  /** Reads the catalog snapshot, then the stream from its end, until close(). Call after the ingest subscribed. */
  start(): void;
  stats(): StreamReaderStats;
  close(): void;
}

type XReadReply = [key: Buffer, entries: [id: Buffer, fields: Buffer[]][]][] | null;

type Clock = { hostId: number; offsetMs: number; latencyMs: number };

/**
 * The edge's side of the data path: one dedicated connection blocks in XREAD on the data stream and hands each
 * entry to the same pipeline a local hub runs. It starts with the catalog snapshot (ChannelInfo datagrams and
 * clocks per provider), then reads from the stream's end; after an outage it goes on from the last id it read.
 * The source state says `stale` while Redis is unreachable and `offline` while the ingest node is silent.
 */
export function createStreamReader(
  connection: RedisConnection,
  keys: ClusterKeys,
  options: Partial<StreamReaderOptions> = {},
): StreamReader {
  return new RedisStreamReader(connection, keys, { ...DEFAULT_READER_OPTIONS, ...options });
}

class RedisStreamReader implements StreamReader {
  readonly #datagrams$ = new Subject<Datagram>();
  readonly #clocks$ = new Subject<Clock>();
  readonly #source$ = new BehaviorSubject<SourceState>({ state: 'offline', since: Date.now(), reason: 'starting' });
  readonly #gaps$ = new Subject<SourceGap>();
  readonly #replays$ = new Subject<ReplayedEntry>();
  readonly #activeReplays$ = new Subject<ReadonlySet<number>>();
  readonly #counts = { entries: 0, datagrams: 0, malformed: 0, readErrors: 0, gaps: 0, missedEntries: 0 };
  readonly #sequence = new SequenceTracker();
  #ingestSource: IngestSource | null = null;
  readonly #connection: RedisConnection;
  readonly #keys: ClusterKeys;
  readonly #o: StreamReaderOptions;
  #lastId: string | null = null;
  #lastEntryAt = 0;
  #running = false;
  #redisSub: Subscription | null = null;

  constructor(connection: RedisConnection, keys: ClusterKeys, options: StreamReaderOptions) {
    this.#connection = connection;
    this.#keys = keys;
    this.#o = options;
  }

  get datagrams$(): Observable<Datagram> {
    return this.#datagrams$.asObservable();
  }

  get clocks$(): Observable<Clock> {
    return this.#clocks$.asObservable();
  }

  get source$(): Observable<SourceState> {
    return this.#source$.asObservable();
  }

  get gaps$(): Observable<SourceGap> {
    return this.#gaps$.asObservable();
  }

  get replays$(): Observable<ReplayedEntry> {
    return this.#replays$.asObservable();
  }

  get activeReplays$(): Observable<ReadonlySet<number>> {
    return this.#activeReplays$.asObservable();
  }

  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#redisSub = this.#connection.state$.subscribe((state) => {
      if (state === 'down') this.#setSource('stale', 'Redis is unreachable: showing the last data received');
    });
    void this.#loop();
  }

  stats(): StreamReaderStats {
    return { ...this.#counts, lastId: this.#lastId, source: this.#source$.value, ingestSource: this.#ingestSource };
  }

  close(): void {
    this.#running = false;
    this.#redisSub?.unsubscribe();
    this.#datagrams$.complete();
    this.#clocks$.complete();
    this.#source$.complete();
    this.#gaps$.complete();
    this.#replays$.complete();
    this.#activeReplays$.complete();
  }

  #setSource(state: SourceState['state'], reason: string): void {
    if (this.#source$.value.state === state) return;
    log.info({ state, reason }, 'source %s: %s', state, reason);
    this.#source$.next({ state, since: Date.now(), reason });
  }

  #deliver(entry: StreamEntry | null): void {
    this.#counts.entries++;
    if (entry === null) this.#counts.malformed++;
    else if (entry.kind === 'datagram') {
      this.#counts.datagrams++;
      this.#datagrams$.next(entry.datagram);
    } else if (entry.kind === 'clock') this.#clocks$.next(entry);
    else if (entry.kind === 'beat') {
      this.#ingestSource = entry.source;
      if (entry.replays) this.#activeReplays$.next(new Set(entry.replays.map((r) => r.slot)));
    } else if (entry.kind === 'replay') {
      this.#counts.datagrams++;
      this.#replays$.next({ slot: entry.slot, prefix: entry.prefix, datagram: entry.datagram });
    } else this.#replays$.next({ slot: entry.slot, prefix: '', datagram: null });
  }

  /** Counts, logs and tells a gap before entry `id` (its sequence field `n`), if there is one. */
  #checkSequence(id: string, n: Buffer | undefined): void {
    const sequence = n === undefined ? null : parseSequence(n.toString());
    if (sequence === null) return;
    const missed = this.#sequence.note(sequence);
    if (missed === 0) return;
    this.#counts.gaps++;
    this.#counts.missedEntries += missed;
    const gap: SourceGap = { missedEntries: missed, afterId: this.#lastId, resumedAt: id, at: Date.now() };
    log.warn(
      { ...gap, maxLen: 'CLUSTER_STREAM_MAXLEN' },
      'gap: %d entries of the data stream were trimmed before this edge read them (it fell further behind than CLUSTER_STREAM_MAXLEN keeps); viewers are told (source:gap)',
      missed,
    );
    this.#gaps$.next(gap);
  }

  async #loop(): Promise<void> {
    while (this.#running) {
      try {
        await this.#readOnce();
      } catch (error) {
        if (!this.#running) return;
        this.#counts.readErrors++;
        log.debug({ err: error }, 'XREAD failed; retrying once Redis is back');
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
  }

  async #loadSnapshot(): Promise<string> {
    const redis = this.#connection.redis;
    // The stream's end first: a catalog change after it is in the stream, one before it is in the hash.
    const last = (await redis.xrevrange(this.#keys.data, '+', '-', 'COUNT', 1)) as [string, string[]][];
    const hash = await redis.hgetallBuffer(this.#keys.catalog);
    const clocks: Buffer[] = [];
    for (const [field, value] of Object.entries(hash)) {
      if (field.startsWith('p:')) for (const e of unpackEntries(value)) this.#deliver(decodeStreamEntry(e));
      else if (field.startsWith('c:')) clocks.push(value);
    }
    // After the ChannelInfo: a clock applies to a provider the node knows.
    for (const c of clocks) this.#deliver(decodeStreamEntry(c));
    return last[0]?.[0] ?? '0-0';
  }

  async #readOnce(): Promise<void> {
    this.#lastId ??= await this.#loadSnapshot();
    const { readCount, blockMs, offlineAfterMs } = this.#o;
    const reply = (await this.#connection.redis.xreadBuffer(
      'COUNT',
      readCount,
      'BLOCK',
      blockMs,
      'STREAMS',
      this.#keys.data,
      this.#lastId,
    )) as XReadReply;
    const now = Date.now();
    for (const [, entries] of reply ?? []) {
      for (const [rawId, fields] of entries) {
        const id = rawId.toString();
        const value = fields[0]?.toString() === 'm' ? fields[1] : undefined;
        this.#checkSequence(id, fields[2]?.toString() === 'n' ? fields[3] : undefined);
        this.#lastId = id;
        this.#lastEntryAt = now;
        this.#deliver(value === undefined ? null : decodeStreamEntry(value));
      }
    }
    if (this.#connection.state() !== 'ready') return;
    if (now - this.#lastEntryAt > offlineAfterMs) {
      this.#setSource('offline', `nothing from the ingest node for ${offlineAfterMs} ms`);
    } else this.#setSource('live', "reading the ingest node's stream");
  }
}
