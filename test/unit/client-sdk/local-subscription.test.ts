import { Subscriber } from 'rxjs';
import { describe, expect, it } from 'vitest';
import type { HubBatch, HubSample } from '../../../client-sdk/src/hub-types.js';
import { LocalSubscription } from '../../../client-sdk/src/local-subscription.js';

function sample(key: string, time: number): HubSample {
  return {
    channel: key,
    key,
    providerId: 1,
    channelId: 1,
    name: key,
    unit: '',
    unitCode: 255,
    quantity: null,
    value: 0,
    time,
    providerTs: 0,
  };
}

function local(): LocalSubscription {
  return new LocalSubscription({ selectors: ['*'] }, new Subscriber<HubBatch>());
}

const times = (samples: HubSample[]) => samples.map((s) => `${s.key}@${s.time}`);

describe('LocalSubscription.fresh', () => {
  it('passes every live sample when nothing was delivered before', () => {
    const l = local();
    expect(times(l.fresh('live', [sample('a', 1), sample('a', 1), sample('b', 2)]))).toEqual(['a@1', 'a@1', 'b@2']);
  });

  it('drops the first live sample of a key that repeats its last value, once', () => {
    const l = local();
    expect(times(l.fresh('last', [sample('a', 10)]))).toEqual(['a@10']);
    expect(times(l.fresh('live', [sample('a', 10)]))).toEqual([]);
    // The guard is spent: a later live sample at the same time passes.
    expect(times(l.fresh('live', [sample('a', 10)]))).toEqual(['a@10']);
  });

  it('keeps a first live sample newer than the last value', () => {
    const l = local();
    l.fresh('last', [sample('a', 10)]);
    expect(times(l.fresh('live', [sample('a', 11)]))).toEqual(['a@11']);
  });

  it('never repeats a delivered sample in a later last/backfill batch (after a reconnect)', () => {
    const l = local();
    l.fresh('live', [sample('a', 5), sample('a', 7)]);
    expect(times(l.fresh('backfill', [sample('a', 6), sample('a', 7), sample('a', 8)]))).toEqual(['a@8']);
    expect(times(l.fresh('last', [sample('b', 1)]))).toEqual(['b@1']);
  });

  it('keeps its delivered times across detach (a reconnect forgets only the server side)', () => {
    const l = local();
    l.serverId = 's1';
    l.fresh('live', [sample('a', 5)]);
    l.detach();
    expect(l.serverId).toBeNull();
    expect(l.stream).toBeNull();
    expect(times(l.fresh('last', [sample('a', 5)]))).toEqual([]);
  });
});
