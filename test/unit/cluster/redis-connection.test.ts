import { firstValueFrom, filter } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import { createRedisConnection, type RedisConnection, redactedUrl } from '../../../server/cluster/redis-connection.js';
import { freeTcpPort } from '../../support/free-tcp-port.js';
import { startRedisServer, type TestRedis } from '../../support/redis-server.js';
import { until } from '../../support/until.js';

describe('createRedisConnection', () => {
  let connection: RedisConnection | null = null;
  let redis: TestRedis | null = null;

  afterEach(async () => {
    connection?.close();
    connection = null;
    await redis?.stop();
    redis = null;
  });

  it('changes state once per outage, not once per failed retry, and is ready again without a restart', async () => {
    redis = await startRedisServer();
    const c = createRedisConnection({ url: redis.url, name: 'test', offlineQueue: true });
    connection = c;
    await firstValueFrom(c.state$.pipe(filter((s) => s === 'ready')));
    await redis.stop();
    await until(() => c.state() === 'down', 5000, 'down');
    const changes = c.changes();
    // ioredis retries every 50 ms growing to 2 s: several attempts fail meanwhile.
    await until(() => c.redis.status === 'reconnecting', 5000, 'retrying');
    await new Promise((resolve) => c.redis.once('error', resolve));
    await new Promise((resolve) => c.redis.once('error', resolve));
    expect(c.changes()).toBe(changes);
    await redis.restart();
    await until(() => c.state() === 'ready', 10_000, 'ready again');
    expect(c.changes()).toBe(changes + 1);
    expect(await c.redis.ping()).toBe('PONG');
  }, 30_000);

  it('without an offline queue a command fails at once while Redis is down (nothing piles up)', async () => {
    const c = createRedisConnection({
      url: `redis://127.0.0.1:${await freeTcpPort()}`,
      name: 'test',
      offlineQueue: false,
    });
    connection = c;
    await until(() => c.state() === 'down', 5000, 'down');
    await expect(c.redis.ping()).rejects.toThrow();
  });

  it('hides the password of a URL in logs', () => {
    expect(redactedUrl('redis://user:s3cret@10.0.0.5:6379/0')).toBe('redis://user:***@10.0.0.5:6379/0');
    expect(redactedUrl('redis://:s3cret@host:6379')).toBe('redis://:***@host:6379');
    expect(redactedUrl('redis://host:6379')).toBe('redis://host:6379');
  });
});
