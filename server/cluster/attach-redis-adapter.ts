import { createAdapter } from '@socket.io/redis-streams-adapter';
import type { HubServer } from '../auth/socket-data.js';
import type { RedisConnection } from './redis-connection.js';

export interface RedisAdapterStats {
  /** Messages for other nodes not published because Redis was down (local viewers still got theirs). */
  droppedWhileDown: number;
}

/** The adapter's stream length (session events, room joins between nodes; data has its own stream). */
const ADAPTER_MAX_LEN = 10_000;

/**
 * Socket.IO's Redis Streams adapter on `io`: broadcasts that are not `local` (session events, sessions:changed, room
 * joins, server-side emits) reach every node. The adapter publishes before it delivers locally; while Redis is down
 * that would hold this node's own viewers back (and queue in memory), so publishing is skipped — and counted — until
 * Redis is back. The connection must queue commands while offline: the adapter's blocking readers duplicate it.
 */
export function attachRedisAdapter(io: HubServer, connection: RedisConnection, streamName: string) {
  const stats: RedisAdapterStats = { droppedWhileDown: 0 };
  const factory = createAdapter(connection.redis, { streamName, maxLen: ADAPTER_MAX_LEN, blockTimeInMs: 1000 });
  // A function, not an arrow: Socket.IO calls it with `new` (an object returned from a constructor replaces `this`).
  io.adapter(function hubRedisAdapter(nsp: unknown) {
    const adapter = factory(nsp);
    const publish = adapter.doPublish.bind(adapter);
    adapter.doPublish = (message) => {
      if (connection.state() === 'ready') return publish(message);
      stats.droppedWhileDown++;
      return Promise.resolve('');
    };
    return adapter;
  });
  return { stats: (): RedisAdapterStats => ({ ...stats }) };
}
