import type { ClusterNodeView } from '@jetdrive-hub/client/contract';
import { createLogger } from '../log.js';
import type { ClusterKeys } from './cluster-keys.js';
import type { RedisConnection } from './redis-connection.js';

const log = createLogger('cluster');

export interface NodeDirectoryOptions {
  intervalMs: number;
  /** A node silent this long is not listed. */
  staleAfterMs: number;
  /** …and this long is removed from the hash. */
  forgetAfterMs: number;
  /** Nodes listed at most (the hash is shared by every node: bounded what one node reads into memory). */
  maxNodes: number;
  /** After each timed refresh: the ids of the nodes listed, or null when Redis could not be read. */
  onRefresh?: (live: ReadonlySet<string> | null) => void;
  /**
   * This node's heartbeat was written again after more than staleAfterMs without one (Redis was down, or the
   * process stopped or starved): the other nodes may have taken it for gone.
   */
  onLapse?: () => void;
}

export const DEFAULT_NODE_DIRECTORY_OPTIONS: Readonly<NodeDirectoryOptions> = Object.freeze({
  intervalMs: 2000,
  staleAfterMs: 6000,
  forgetAfterMs: 60_000,
  maxNodes: 256,
});

export interface NodeDirectory {
  /** The nodes seen within staleAfterMs (this one included once its first heartbeat is written). */
  nodes(): ClusterNodeView[];
  /** Writes this node's heartbeat and reads the others' now (also runs every intervalMs); false when Redis is down. */
  refresh(): Promise<boolean>;
  close(): Promise<void>;
}

interface Beat {
  role: 'ingest' | 'edge';
  url: string | null;
  at: number;
}

function parseBeat(text: string): Beat | null {
  try {
    const v = JSON.parse(text) as Partial<Beat>;
    if ((v.role === 'ingest' || v.role === 'edge') && typeof v.at === 'number') {
      return { role: v.role, url: typeof v.url === 'string' ? v.url : null, at: v.at };
    }
  } catch {
    // Not ours: ignored.
  }
  return null;
}

/** Each node's heartbeat in one Redis hash; the status endpoint and hello list the nodes seen lately. */
export function createNodeDirectory(
  connection: RedisConnection,
  keys: ClusterKeys,
  self: { id: string; role: 'ingest' | 'edge'; url: () => string | null },
  options: Partial<NodeDirectoryOptions> = {},
): NodeDirectory {
  const o: NodeDirectoryOptions = { ...DEFAULT_NODE_DIRECTORY_OPTIONS, ...options };
  const redis = connection.redis;
  let known: { id: string; beat: Beat }[] = [];
  let lastWrittenAt: number | null = null;

  async function refresh(): Promise<boolean> {
    if (connection.state() !== 'ready') return false;
    const now = Date.now();
    await redis.hset(keys.nodes, self.id, JSON.stringify({ role: self.role, url: self.url(), at: now }));
    const lapsed = lastWrittenAt !== null && Date.now() - lastWrittenAt > o.staleAfterMs;
    lastWrittenAt = Date.now();
    if (lapsed) o.onLapse?.();
    const all = await redis.hgetall(keys.nodes);
    const next: { id: string; beat: Beat }[] = [];
    const forget: string[] = [];
    for (const [id, text] of Object.entries(all)) {
      const beat = parseBeat(text);
      if (beat === null || now - beat.at > o.forgetAfterMs) forget.push(id);
      else if (now - beat.at <= o.staleAfterMs && next.length < o.maxNodes) next.push({ id, beat });
    }
    if (forget.length > 0) await redis.hdel(keys.nodes, ...forget);
    known = next.sort((a, b) => a.id.localeCompare(b.id));
    return true;
  }

  const tick = () => {
    refresh().then(
      (read) => o.onRefresh?.(read ? new Set(known.map((k) => k.id)) : null),
      (error: unknown) => {
        log.debug({ err: error }, 'node heartbeat failed');
        o.onRefresh?.(null);
      },
    );
  };
  const timer = setInterval(tick, o.intervalMs);
  timer.unref();

  return {
    nodes: () => {
      const now = Date.now();
      return known.map(({ id, beat }) => ({
        id,
        role: beat.role,
        url: beat.url,
        lastSeenMs: Math.max(0, now - beat.at),
      }));
    },
    refresh,
    async close() {
      clearInterval(timer);
      // Leave at once rather than after staleAfterMs (best effort: Redis may be down).
      if (connection.state() === 'ready') await redis.hdel(keys.nodes, self.id).catch(() => undefined);
    },
  };
}
