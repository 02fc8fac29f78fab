import type { Datagram } from '../transport/types.js';

// One entry of the data stream, as bytes in one field. The first byte says what it is:
//   1 datagram: f64 receivedAt (LE), u16 source port, u8 address length, address (ASCII), then the datagram bytes
//   2 clock:    JSON { h: host id, o: offset ms, l: latency ms } — the ingest node's clock sync of one provider
//   3 beat:     JSON { n: node id, s: 'simulated' | 'live' } — the ingest node is alive
// Raw datagrams (not decoded batches): 10 bytes a sample as JetDrive sends them, and the edge runs the very same
// decode → node → registry path as the ingest node (see the README, Cluster mode).

export type StreamEntry =
  | { kind: 'datagram'; datagram: Datagram }
  | { kind: 'clock'; hostId: number; offsetMs: number; latencyMs: number }
  | { kind: 'beat'; node: string; source: 'simulated' | 'live' };

const DATAGRAM = 1;
const CLOCK = 2;
const BEAT = 3;
const DATAGRAM_HEAD = 1 + 8 + 2 + 1;

export function encodeStreamEntry(entry: StreamEntry): Buffer {
  if (entry.kind === 'datagram') {
    const d = entry.datagram;
    const address = Buffer.from(d.from.address, 'latin1');
    const out = Buffer.allocUnsafe(DATAGRAM_HEAD + address.length + d.bytes.byteLength);
    out[0] = DATAGRAM;
    out.writeDoubleLE(d.receivedAt, 1);
    out.writeUInt16LE(d.from.port, 9);
    out[11] = address.length;
    address.copy(out, DATAGRAM_HEAD);
    out.set(d.bytes, DATAGRAM_HEAD + address.length);
    return out;
  }
  const body =
    entry.kind === 'clock'
      ? { h: entry.hostId, o: entry.offsetMs, l: entry.latencyMs }
      : { n: entry.node, s: entry.source };
  return Buffer.concat([Buffer.from([entry.kind === 'clock' ? CLOCK : BEAT]), Buffer.from(JSON.stringify(body))]);
}

function parseJson(bytes: Buffer): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(bytes.toString('utf8'));
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** The entry, or null when the bytes are not one (counted by the reader as a malformed entry). */
export function decodeStreamEntry(bytes: Buffer): StreamEntry | null {
  if (bytes.length === 0) return null;
  if (bytes[0] === DATAGRAM) {
    if (bytes.length < DATAGRAM_HEAD) return null;
    const addressLength = bytes[11];
    if (bytes.length < DATAGRAM_HEAD + addressLength) return null;
    return {
      kind: 'datagram',
      datagram: {
        receivedAt: bytes.readDoubleLE(1),
        from: {
          address: bytes.toString('latin1', DATAGRAM_HEAD, DATAGRAM_HEAD + addressLength),
          port: bytes.readUInt16LE(9),
        },
        bytes: bytes.subarray(DATAGRAM_HEAD + addressLength),
      },
    };
  }
  const body = parseJson(bytes.subarray(1));
  if (body === null) return null;
  if (bytes[0] === CLOCK && isNumber(body.h) && isNumber(body.o) && isNumber(body.l)) {
    return { kind: 'clock', hostId: body.h, offsetMs: body.o, latencyMs: body.l };
  }
  if (bytes[0] === BEAT && typeof body.n === 'string' && (body.s === 'simulated' || body.s === 'live')) {
    return { kind: 'beat', node: body.n, source: body.s };
  }
  return null;
}
