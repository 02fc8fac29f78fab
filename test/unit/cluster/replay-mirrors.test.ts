import { describe, expect, it } from 'vitest';
import { ReplayMirrors } from '../../../server/cluster/replay-mirrors.js';
import type { JetDriveSink, ProviderChange, ProviderState } from '../../../server/jetdrive/types.js';
import { buildChannelInfoFrames, buildChannelValuesFrames } from '../../../server/protocol/index.js';

type Call = [what: string, hostId: number, name: string, detail: string | number];

/** What the registry was told, provider by namespaced host id and name. */
function recordingSink(calls: Call[]): JetDriveSink {
  const note = (what: string, p: ProviderState, detail: string | number) =>
    calls.push([what, p.hostId, p.name, detail]);
  return {
    providerChanged: (p: ProviderState, change: ProviderChange) => note('provider', p, change),
    channelInfo: (p, records) => note('info', p, records.length),
    channelsCleared: (p) => note('cleared', p, 0),
    channelValues: (p, _at, values) => {
      note('values', p, values.count);
      return false;
    },
  };
}

const from = { address: '127.0.0.1', port: 40001 };
const datagram = (bytes: Uint8Array) => ({ bytes, from, receivedAt: 1_764_471_600_000 });
const info = buildChannelInfoFrames({
  host: 0x43fd,
  providerName: 'Dyno',
  channels: [{ channelId: 1, vendor: 0, name: 'RPM', unit: 8 }],
})[0];
const values = buildChannelValuesFrames({
  host: 0x43fd,
  seqStart: 1,
  samples: [{ channelId: 1, ts: 1000, value: 2 }],
})[0];

describe('ReplayMirrors', () => {
  it("puts a replay's providers in the registry under the ingest node's namespace, and removes them at its end", () => {
    const calls: Call[] = [];
    const mirrors = new ReplayMirrors(recordingSink(calls), { offlineAfterMs: 5000, maxProviders: 4 });
    mirrors.feed({ slot: 2, prefix: 'replay:Pull/', datagram: datagram(info) });
    mirrors.feed({ slot: 2, prefix: 'replay:Pull/', datagram: datagram(values) });
    const host = 2 * 0x1_0000 + 0x43fd;
    expect(calls).toContainEqual(['info', host, 'replay:Pull/Dyno', 1]);
    expect(calls).toContainEqual(['values', host, 'replay:Pull/Dyno', 1]);
    mirrors.feed({ slot: 2, prefix: '', datagram: null });
    expect(calls.at(-1)).toEqual(['provider', host, 'replay:Pull/Dyno', 'removed']);
    // An end for a slot with nothing in it changes nothing.
    const before = calls.length;
    mirrors.feed({ slot: 9, prefix: '', datagram: null });
    expect(calls).toHaveLength(before);
  });

  it('a new replay in a slot (its end lost) first removes the old one', () => {
    const calls: Call[] = [];
    const mirrors = new ReplayMirrors(recordingSink(calls), { offlineAfterMs: 5000, maxProviders: 4 });
    mirrors.feed({ slot: 1, prefix: 'replay:A/', datagram: datagram(info) });
    mirrors.feed({ slot: 1, prefix: 'replay:B/', datagram: datagram(info) });
    const host = 0x1_0000 + 0x43fd;
    const removedAt = calls.findIndex((c) => c[3] === 'removed');
    expect(calls[removedAt]).toEqual(['provider', host, 'replay:A/Dyno', 'removed']);
    expect(calls.slice(removedAt)).toContainEqual(['info', host, 'replay:B/Dyno', 1]);
    mirrors.close();
    expect(calls.at(-1)).toEqual(['provider', host, 'replay:B/Dyno', 'removed']);
  });

  it("drops the mirrors of replays the ingest node's heartbeat no longer lists (their end entry was lost), counted", () => {
    const calls: Call[] = [];
    const mirrors = new ReplayMirrors(recordingSink(calls), { offlineAfterMs: 5000, maxProviders: 4 });
    mirrors.feed({ slot: 1, prefix: 'replay:A/', datagram: datagram(info) });
    mirrors.feed({ slot: 2, prefix: 'replay:B/', datagram: datagram(info) });
    mirrors.retain(new Set([1, 2, 7]));
    expect(mirrors.stats()).toEqual({ open: 2, ended: 0, expired: 0 });
    mirrors.retain(new Set([1]));
    expect(calls.at(-1)).toEqual(['provider', 2 * 0x1_0000 + 0x43fd, 'replay:B/Dyno', 'removed']);
    expect(mirrors.stats()).toEqual({ open: 1, ended: 0, expired: 1 });
    mirrors.feed({ slot: 1, prefix: '', datagram: null });
    mirrors.retain(new Set());
    expect(mirrors.stats()).toEqual({ open: 0, ended: 1, expired: 1 });
  });
});
