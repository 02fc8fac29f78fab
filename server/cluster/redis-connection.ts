import { Redis, type RedisOptions } from 'ioredis';
import { BehaviorSubject, type Observable } from 'rxjs';
import { createLogger } from '../log.js';

const log = createLogger('cluster');

export type RedisState = 'connecting' | 'ready' | 'down';

export interface RedisConnection {
  readonly redis: Redis;
  /** 'ready' while commands can be sent; 'down' from the first failure until it is ready again. */
  readonly state$: Observable<RedisState>;
  state(): RedisState;
  /** State changes so far (each logged once). */
  changes(): number;
  close(): void;
}

export interface RedisConnectionOptions {
  url: string;
  /** Names the connection in logs: "publisher", "reader", "adapter"… */
  name: string;
  /**
   * Queue commands while disconnected (a blocking reader resends its XREAD after a reconnect). False for the
   * publisher: a command while Redis is down fails at once and is counted, so nothing piles up in memory.
   */
  offlineQueue: boolean;
}

/** The URL without its password, for logs. */
export function redactedUrl(url: string): string {
  return url.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:***@');
}

/**
 * One ioredis connection that reconnects forever (50 ms, growing to 2 s between attempts) and logs once per state
 * change — not once per failed retry.
 */
export function createRedisConnection(options: RedisConnectionOptions): RedisConnection {
  const redisOptions: RedisOptions = {
    lazyConnect: false,
    enableOfflineQueue: options.offlineQueue,
    // null: a queued command waits for the reconnect instead of failing after N retries (only with the offline queue).
    maxRetriesPerRequest: options.offlineQueue ? null : 1,
    retryStrategy: (times) => Math.min(50 * times, 2000),
    connectionName: `jetdrive-hub:${options.name}`,
  };
  const redis = new Redis(options.url, redisOptions);
  const state$ = new BehaviorSubject<RedisState>('connecting');
  const where = redactedUrl(options.url);
  let changes = 0;
  let lastError = '';
  const enter = (next: RedisState, detail: string): void => {
    if (state$.value === next) return;
    changes++;
    if (next === 'ready') log.info({ redis: where, connection: options.name }, 'redis %s: connected', options.name);
    else
      log.warn({ redis: where, connection: options.name, error: detail }, 'redis %s: down (%s)', options.name, detail);
    state$.next(next);
  };
  redis.on('ready', () => enter('ready', ''));
  redis.on('error', (error: Error) => {
    lastError = error.message;
    enter('down', lastError);
  });
  redis.on('close', () => enter('down', lastError || 'connection closed'));
  return {
    redis,
    state$: state$.asObservable(),
    state: () => state$.value,
    changes: () => changes,
    close() {
      redis.removeAllListeners('close');
      redis.on('error', () => {});
      // Not QUIT: it would wait behind a blocking XREAD. Nothing unsent matters at shutdown.
      redis.disconnect();
      state$.complete();
    },
  };
}
