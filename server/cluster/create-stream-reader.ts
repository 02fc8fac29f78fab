import { BehaviorSubject, type Observable, Subject, type Subscription } from 'rxjs';
import type { SourceState } from '@jetdrive-hub/client/contract';
import { createLogger } from '../log.js';
import type { Datagram } from '../transport/types.js';
import { unpackEntries } from './catalog-snapshot.js';
import type { ClusterKeys } from './cluster-keys.js';
import type { RedisConnection } from './redis-connection.js';
import { decodeStreamEntry, type StreamEntry } from './stream-entry.js';

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
  source: SourceState;
}

export interface StreamReader {
  /** The ingest node's datagrams, for createIngest's `datagrams$` (no UDP socket on an edge). */
  readonly datagrams$: Observable<Datagram>;
  /** Clock syncs the ingest node measured (an edge cannot ping providers itself). */
  readonly clocks$: Observable<{ hostId: number; offsetMs: number; latencyMs: number }>;
  readonly source$: Observable<SourceState>;
  /** Reads the catalog snapshot, then the stream from its end, until close(). Call after the ingest subscribed. */
  start(): void;
  stats(): StreamReaderStats;
  close(): void;
}

type XReadReply = [key: Buffer, entries: [id: Buffer, fields: Buffer[]][]][] | null;

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
  const o: StreamReaderOptions = { ...DEFAULT_READER_OPTIONS, ...options };
  const redis = connection.redis;
  const datagrams$ = new Subject<Datagram>();
  const clocks$ = new Subject<{ hostId: number; offsetMs: number; latencyMs: number }>();
  const source$ = new BehaviorSubject<SourceState>({ state: 'offline', since: Date.now(), reason: 'starting' });
  const counts = { entries: 0, datagrams: 0, malformed: 0, readErrors: 0 };
  let lastId: string | null = null;
  let lastEntryAt = 0;
  let running = false;
  let redisSub: Subscription | null = null;

  const setSource = (state: SourceState['state'], reason: string): void => {
    if (source$.value.state === state) return;
    log.info({ state, reason }, 'source %s: %s', state, reason);
    source$.next({ state, since: Date.now(), reason });
  };

  const deliver = (entry: StreamEntry | null): void => {
    counts.entries++;
    if (entry === null) counts.malformed++;
    else if (entry.kind === 'datagram') {
      counts.datagrams++;
      datagrams$.next(entry.datagram);
    } else if (entry.kind === 'clock') clocks$.next(entry);
  };

  async function loadSnapshot(): Promise<string> {
    // The stream's end first: a catalog change after it is in the stream, one before it is in the hash.
    const last = (await redis.xrevrange(keys.data, '+', '-', 'COUNT', 1)) as [string, string[]][];
    const hash = await redis.hgetallBuffer(keys.catalog);
    const clocks: Buffer[] = [];
    for (const [field, value] of Object.entries(hash)) {
      if (field.startsWith('p:')) for (const e of unpackEntries(value)) deliver(decodeStreamEntry(e));
      else if (field.startsWith('c:')) clocks.push(value);
    }
    // After the ChannelInfo: a clock applies to a provider the node knows.
    for (const c of clocks) deliver(decodeStreamEntry(c));
    return last[0]?.[0] ?? '0-0';
  }

  async function readOnce(): Promise<void> {
    lastId ??= await loadSnapshot();
    const reply = (await redis.xreadBuffer(
      'COUNT',
      o.readCount,
      'BLOCK',
      o.blockMs,
      'STREAMS',
      keys.data,
      lastId,
    )) as XReadReply;
    const now = Date.now();
    for (const [, entries] of reply ?? []) {
      for (const [id, fields] of entries) {
        lastId = id.toString();
        lastEntryAt = now;
        const value = fields[0]?.toString() === 'm' ? fields[1] : undefined;
        deliver(value === undefined ? null : decodeStreamEntry(value));
      }
    }
    if (connection.state() === 'ready') {
      if (now - lastEntryAt > o.offlineAfterMs)
        setSource('offline', `nothing from the ingest node for ${o.offlineAfterMs} ms`);
      else setSource('live', "reading the ingest node's stream");
    }
  }

  async function loop(): Promise<void> {
    while (running) {
      try {
        await readOnce();
      } catch (error) {
        if (!running) return;
        counts.readErrors++;
        log.debug({ err: error }, 'XREAD failed; retrying once Redis is back');
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
  }

  return {
    datagrams$: datagrams$.asObservable(),
    clocks$: clocks$.asObservable(),
    source$: source$.asObservable(),
    start() {
      if (running) return;
      running = true;
      redisSub = connection.state$.subscribe((state) => {
        if (state === 'down') setSource('stale', 'Redis is unreachable: showing the last data received');
      });
      void loop();
    },
    stats: () => ({ ...counts, lastId, source: source$.value }),
    close() {
      running = false;
      redisSub?.unsubscribe();
      datagrams$.complete();
      clocks$.complete();
      source$.complete();
    },
  };
}
