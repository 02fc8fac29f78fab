import { describe, expect, it } from 'vitest';
import { CatalogSnapshot, packEntries, unpackEntries } from '../../../server/cluster/catalog-snapshot.js';
import { encodeFrame } from '../../../server/protocol/index.js';
import { KEY } from '../../../server/protocol/types.js';

const HOST = 0x43fd;
const from = { address: '127.0.0.1', port: 22344 };

function info(ids: number[], name = 'Power Core'): Uint8Array {
  return encodeFrame({
    type: 'ChannelInfo',
    key: KEY.ChannelInfo,
    host: HOST,
    seq: 1,
    destination: 0xffff,
    providerName: name,
    channels: ids.map((channelId) => ({ channelId, vendor: 0, name: `Channel ${channelId}`, unit: 0 })),
  });
}

const datagram = (bytes: Uint8Array) => ({ bytes, from, receivedAt: 1 });

describe('CatalogSnapshot', () => {
  it('keeps the latest ChannelInfo per first channel id, in id order, and forgets them on ClearChannelInfo', () => {
    const s = new CatalogSnapshot({ maxProviders: 4, maxFramesPerProvider: 8 });
    expect(s.note(HOST, KEY.ChannelInfo, datagram(info([20, 21])))).toBe(true);
    expect(s.note(HOST, KEY.ChannelInfo, datagram(info([1, 2])))).toBe(true);
    // A provider repeating its announcement changes nothing.
    expect(s.note(HOST, KEY.ChannelInfo, datagram(info([1, 2])))).toBe(false);
    expect(s.note(HOST, KEY.ChannelInfo, datagram(info([1, 2, 3])))).toBe(true);
    expect(s.framesOf(HOST).map((d) => Buffer.from(d.bytes))).toEqual([
      Buffer.from(info([1, 2, 3])),
      Buffer.from(info([20, 21])),
    ]);
    expect(s.note(HOST, KEY.ChannelValues, datagram(Uint8Array.from([2, 0, 0, 0, 0, 0, 0, 0])))).toBe(false);
    expect(s.note(HOST, KEY.ClearChannelInfo, datagram(Uint8Array.from([3, 0, 0, 0, 0, 0, 0, 0])))).toBe(true);
    expect(s.framesOf(HOST)).toEqual([]);
  });

  it('is bounded by providers and frames per provider, counting what it did not keep', () => {
    const s = new CatalogSnapshot({ maxProviders: 1, maxFramesPerProvider: 2 });
    s.note(HOST, KEY.ChannelInfo, datagram(info([1])));
    s.note(HOST, KEY.ChannelInfo, datagram(info([2])));
    expect(s.note(HOST, KEY.ChannelInfo, datagram(info([3])))).toBe(false);
    expect(s.note(0x1111, KEY.ChannelInfo, datagram(info([1])))).toBe(false);
    expect(s.stats()).toEqual({ providers: 1, dropped: 2 });
  });

  it('packs several entries into one value and back, leaving out a truncated tail', () => {
    const entries = [Buffer.from([1, 2, 3]), Buffer.alloc(0), Buffer.from('abc')];
    const packed = packEntries(entries);
    expect(unpackEntries(packed)).toEqual(entries);
    expect(unpackEntries(packed.subarray(0, packed.length - 1))).toEqual(entries.slice(0, 2));
  });
});
