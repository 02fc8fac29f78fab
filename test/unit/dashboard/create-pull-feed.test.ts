import { describe, expect, it } from 'vitest';
import { createPullFeed } from '../../../server/dashboard/web/create-pull-feed.js';

const catalog = {
  providers: [
    { hostId: 1, name: 'Simulated Dyno', online: true },
    { hostId: 2, name: 'Rogue', online: true },
    { hostId: 3, name: 'ECU', online: true },
  ],
  channels: [
    { key: '1:1', providerId: 1, quantity: 'rpm' },
    { key: '1:4', providerId: 1, quantity: 'power' },
    { key: '1:5', providerId: 1, quantity: 'torque' },
    { key: '2:1', providerId: 2, quantity: 'power' },
    { key: '3:7', providerId: 3, quantity: 'tps' },
  ],
};

describe('createPullFeed', () => {
  it('builds pull points from the dyno provider channels only, never from a rogue power channel', () => {
    const feed = createPullFeed();
    feed.setCatalog(catalog);
    feed.offer('1:1', 'rpm', 4000, 0);
    feed.offer('1:4', 'power', 80, 0);
    expect(feed.offer('2:1', 'power', 1030, 1)).toBe(false);
    feed.offer('1:5', 'torque', 190, 1);
    // TPS from another provider is shown in its readout but does not gate the dyno's pulls.
    expect(feed.accepts('3:7', 'tps')).toBe(true);
    expect(feed.offer('3:7', 'tps', 100, 1)).toBe(false);
    expect(feed.point(10)).toEqual({ point: { rpm: 4000, power: 80, torque: 190 }, tps: null });
    expect(feed.accepts('2:1', 'power')).toBe(false);
    expect(feed.accepts('2:9', 'afr_front')).toBe(true);
    expect(feed.point(5000)).toBeNull();
  });

  it('adds the dyno provider’s road speed to the point while it is fresh, never another provider’s', () => {
    const feed = createPullFeed({ maxAgeMs: 1000 });
    const withSpeed = {
      providers: catalog.providers,
      channels: [
        ...catalog.channels,
        { key: '2:6', providerId: 2, quantity: 'speed' },
        { key: '1:6', providerId: 1, quantity: 'speed' },
      ],
    };
    feed.setCatalog(withSpeed);
    feed.offer('1:1', 'rpm', 4000, 0);
    feed.offer('1:4', 'power', 80, 0);
    feed.offer('1:5', 'torque', 190, 0);
    expect(feed.offer('2:6', 'speed', 300, 0)).toBe(false);
    expect(feed.point(10)?.point).toEqual({ rpm: 4000, power: 80, torque: 190 });
    expect(feed.offer('1:6', 'speed', 96.5, 0)).toBe(true);
    expect(feed.point(10)?.point).toEqual({ rpm: 4000, power: 80, torque: 190, speed: 96.5 });
    feed.offer('1:1', 'rpm', 4100, 900);
    feed.offer('1:4', 'power', 81, 900);
    feed.offer('1:5', 'torque', 191, 900);
    expect(feed.point(1200)?.point).toEqual({ rpm: 4100, power: 81, torque: 191 });
    // A catalog without the dyno's speed channel forgets its value.
    feed.offer('1:6', 'speed', 97, 1200);
    feed.setCatalog(catalog);
    expect(feed.point(1300)?.point.speed).toBeUndefined();
  });
});
