import { describe, expect, it } from 'vitest';
import { type BannerInput, bannerFor } from '../../../server/dashboard/web/banner-for.js';
import type { StatusView } from '../../../server/dashboard/web/parse-status.js';

const live: StatusView = {
  source: 'live',
  providers: [],
  ingest: { groups: ['224.0.2.10', '239.255.60.60'], port: 22344, joined: ['192.168.1.20', '127.0.0.1'] },
};

function input(over: Partial<BannerInput>): BannerInput {
  return {
    connection: 'connected',
    statusHttp: 200,
    status: null,
    hasToken: false,
    origin: 'http://hub:5001',
    ...over,
  };
}

describe('bannerFor', () => {
  it('shows nothing when connected with data flowing', () => {
    expect(bannerFor(input({ status: { ...live, source: 'simulated' } }))).toBeNull();
  });

  it('says connecting before the socket is up', () => {
    expect(bannerFor(input({ connection: 'connecting', statusHttp: null }))?.kind).toBe('connecting');
  });

  it('says unauthorized with or without a saved token', () => {
    const none = bannerFor(input({ connection: 'disconnected', statusHttp: 401 }));
    expect(none?.kind).toBe('unauthorized');
    expect(none?.detail).toContain('needs a viewer or operator token');
    expect(bannerFor(input({ statusHttp: 401, hasToken: true }))?.detail).toContain('does not accept the saved token');
  });

  it('says the hub is unreachable when neither the socket nor HTTP answers', () => {
    const banner = bannerFor(input({ connection: 'disconnected', statusHttp: 0 }));
    expect(banner?.kind).toBe('unreachable');
    expect(banner?.detail).toContain('http://hub:5001');
  });

  it('names groups, port, interfaces and the firewall when a live hub has no provider', () => {
    const banner = bannerFor(input({ status: live }));
    expect(banner?.kind).toBe('no-provider');
    expect(banner?.detail).toContain('224.0.2.10, 239.255.60.60 port 22344');
    expect(banner?.detail).toContain('joined on 192.168.1.20, 127.0.0.1');
    expect(banner?.detail).toContain('allow inbound UDP 22344 in the firewall');
  });

  it('says so when no interface could be joined', () => {
    const banner = bannerFor(input({ status: { ...live, ingest: { groups: [], port: 22344, joined: [] } } }));
    expect(banner?.detail).toContain('joined on no interface');
  });
});
