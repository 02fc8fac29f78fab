import { describe, expect, it } from 'vitest';
import { decodeStreamEntry, encodeStreamEntry } from '../../../server/cluster/stream-entry.js';

describe('stream entries', () => {
  it('carries a datagram with its receive time and source, byte for byte', () => {
    const bytes = Uint8Array.from([0x02, 10, 0, 0xfd, 0x43, 7, 0xff, 0xff, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    const datagram = { bytes, from: { address: '192.168.1.50', port: 22344 }, receivedAt: 1_732_000_000_123.5 };
    const encoded = encodeStreamEntry({ kind: 'datagram', datagram });
    // type, f64 time, u16 port, u8 address length, the address, then the datagram itself.
    expect(encoded.length).toBe(1 + 8 + 2 + 1 + 12 + bytes.length);
    const decoded = decodeStreamEntry(encoded);
    expect(decoded).toEqual({ kind: 'datagram', datagram: { ...datagram, bytes: Buffer.from(bytes) } });
  });

  it('carries a provider clock and a heartbeat', () => {
    for (const entry of [
      { kind: 'clock', hostId: 0x43fd, offsetMs: 1_732_000_000_000.25, latencyMs: 0.5 },
      { kind: 'beat', node: 'ingest-a-1', source: 'simulated' },
      { kind: 'beat', node: 'ingest-a-1', source: 'replay' },
      { kind: 'replay-end', slot: 3 },
    ] as const) {
      expect(decodeStreamEntry(encodeStreamEntry(entry))).toEqual(entry);
    }
  });

  it('carries in a heartbeat the replays the ingest node publishes; a heartbeat without the list says nothing of them', () => {
    const beat = {
      kind: 'beat',
      node: 'ingest-a-1',
      source: 'live',
      replays: [
        { slot: 1, prefix: 'replay:Pull 3/' },
        { slot: 200, prefix: 'replay:ünïcode/' },
      ],
    } as const;
    expect(decodeStreamEntry(encodeStreamEntry(beat))).toEqual(beat);
    expect(decodeStreamEntry(encodeStreamEntry({ ...beat, replays: [] }))).toEqual({ ...beat, replays: [] });
    const older = decodeStreamEntry(Buffer.concat([Buffer.from([3]), Buffer.from('{"n":"a","s":"live"}')]));
    expect(older).toEqual({ kind: 'beat', node: 'a', source: 'live' });
    // A list that is not one of [slot 1–255, prefix] pairs makes the entry malformed (counted), not a partial list.
    for (const r of ['[[0,"x"]]', '[[1]]', '[[256,"x"]]', '{"1":"x"}', '[[1.5,"x"]]']) {
      expect(
        decodeStreamEntry(Buffer.concat([Buffer.from([3]), Buffer.from(`{"n":"a","s":"live","r":${r}}`)])),
      ).toBeNull();
    }
  });

  it("carries a replayed datagram with its replay's slot and provider-name prefix", () => {
    const bytes = Uint8Array.from([0x02, 10, 0, 0xfd, 0x43, 7, 0xff, 0xff, 9, 8, 7]);
    const datagram = { bytes, from: { address: '127.0.0.1', port: 40001 }, receivedAt: 1_764_471_600_000.5 };
    const entry = { kind: 'replay', slot: 2, prefix: 'replay:Pull ünïcode/', datagram } as const;
    const decoded = decodeStreamEntry(encodeStreamEntry(entry));
    expect(decoded).toEqual({ ...entry, datagram: { ...datagram, bytes: Buffer.from(bytes) } });
    // A prefix longer than its length byte is cut, not an error.
    const long = decodeStreamEntry(encodeStreamEntry({ ...entry, prefix: 'x'.repeat(300) }));
    expect(long?.kind === 'replay' && long.prefix).toBe('x'.repeat(255));
  });

  it('refuses what is not an entry (the reader counts it) instead of throwing', () => {
    expect(decodeStreamEntry(Buffer.alloc(0))).toBeNull();
    expect(decodeStreamEntry(Buffer.from([1, 0, 0]))).toBeNull();
    // An address length pointing past the end.
    expect(decodeStreamEntry(Buffer.from([1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 200]))).toBeNull();
    expect(decodeStreamEntry(Buffer.concat([Buffer.from([2]), Buffer.from('{"h":"x"}')]))).toBeNull();
    expect(decodeStreamEntry(Buffer.concat([Buffer.from([3]), Buffer.from('not json')]))).toBeNull();
    expect(decodeStreamEntry(Buffer.from([9, 1, 2]))).toBeNull();
    // A replay entry of slot 0 (no replay has it), or cut inside its prefix; a beat naming no known source.
    expect(decodeStreamEntry(Buffer.from([4, 0, 0]))).toBeNull();
    expect(decodeStreamEntry(Buffer.from([4, 1, 10, 65]))).toBeNull();
    expect(decodeStreamEntry(Buffer.from([5, 0]))).toBeNull();
    expect(decodeStreamEntry(Buffer.concat([Buffer.from([3]), Buffer.from('{"n":"a","s":"dyno"}')]))).toBeNull();
  });
});
