import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../../server/config.js';

describe('cluster configuration', () => {
  it('is standalone by default and needs nothing new', () => {
    const config = loadConfig([], {});
    expect(config.role).toBe('standalone');
    expect(config.redisUrl).toBeNull();
  });

  it('reads HUB_ROLE and REDIS_URL, and the flags win', () => {
    const env = { HUB_ROLE: 'Ingest', REDIS_URL: 'redis://127.0.0.1:6379' };
    expect(loadConfig([], env)).toMatchObject({ role: 'ingest', redisUrl: 'redis://127.0.0.1:6379' });
    expect(loadConfig(['--role', 'edge', '--redis-url', 'rediss://r.example:6380/1'], env)).toMatchObject({
      role: 'edge',
      redisUrl: 'rediss://r.example:6380/1',
    });
  });

  it('an ingest or edge node without Redis is an error that says what to set', () => {
    expect(() => loadConfig(['--role', 'edge'], {})).toThrow(ConfigError);
    expect(() => loadConfig(['--role', 'edge'], {})).toThrow(/role: edge needs Redis; set REDIS_URL/);
  });

  it('names a bad role or URL, without showing the password', () => {
    expect(() => loadConfig([], { HUB_ROLE: 'leader' })).toThrow(/role: .*HUB_ROLE="leader"/);
    let message = '';
    try {
      loadConfig([], { HUB_ROLE: 'edge', REDIS_URL: 'http://:s3cret@127.0.0.1:6379' });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/redisUrl: must be a redis:\/\/ or rediss:\/\/ URL/);
    expect(message).toContain('REDIS_URL="http://:***@127.0.0.1:6379"');
    expect(message).not.toContain('s3cret');
    let fromFlag = '';
    try {
      loadConfig(['--role', 'edge', '--redis-url', 'http://hub:s3cret@127.0.0.1:6379'], {});
    } catch (error) {
      fromFlag = (error as Error).message;
    }
    expect(fromFlag).toContain('--redis-url "http://hub:***@127.0.0.1:6379"');
    expect(fromFlag).not.toContain('s3cret');
  });
});
