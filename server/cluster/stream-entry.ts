import type { Datagram } from '../transport/types.js';

// One entry of the data stream, as bytes in one field. The first byte says what it is:
//   1 datagram: f64 receivedAt (LE), u16 source port, u8 address length, address (ASCII), then the datagram bytes
//   2 clock:    JSON { h: host id, o: offset ms, l: latency ms } — the ingest node's clock sync of one provider
//   3 beat:     JSON { n: node id, s: 'simulated' | 'live' | 'replay', r: [[slot, prefix], …] } — the ingest node is
//               alive, its source, and the replays it publishes now (`r` absent: it does not say; edges keep theirs)
//   4 replayed datagram: u8 replay slot, u8 prefix length, prefix (UTF-8), then a datagram laid out as in 1
//   5 replay end: u8 replay slot — the replay stopped; its providers leave the registry
// Raw datagrams (not decoded batches): 10 bytes a sample as JetDrive sends them, and the edge runs the very same
// decode → node → registry path as the ingest node (see the README, Cluster mode). A replay's datagrams carry its
// slot and provider-name prefix, so an edge puts them under the same namespace as the ingest node does.

export type IngestSource = 'simulated' | 'live' | 'replay';

/** A replay the ingest node publishes: its slot (1–255) and provider-name prefix. */
export interface ActiveReplay {
  slot: number;
  prefix: string;
}

export type StreamEntry =
  | { kind: 'datagram'; datagram: Datagram }
  | { kind: 'clock'; hostId: number; offsetMs: number; latencyMs: number }
  | { kind: 'beat'; node: string; source: IngestSource; replays?: readonly ActiveReplay[] }
  | { kind: 'replay'; slot: number; prefix: string; datagram: Datagram }
  | { kind: 'replay-end'; slot: number };

const DATAGRAM = 1;
const CLOCK = 2;
const BEAT = 3;
const REPLAY = 4;
const REPLAY_END = 5;
/** f64 time, u16 port, u8 address length. */
const DATAGRAM_HEAD = 8 + 2 + 1;
const SOURCES: readonly string[] = ['simulated', 'live', 'replay'];

/** The datagram's layout after a `head` of `headLength` bytes. */
function encodeDatagram(head: Buffer, d: Datagram): Buffer {
  const address = Buffer.from(d.from.address, 'latin1');
  const at = head.length;
  const out = Buffer.allocUnsafe(at + DATAGRAM_HEAD + address.length + d.bytes.byteLength);
  head.copy(out, 0);
  out.writeDoubleLE(d.receivedAt, at);
  out.writeUInt16LE(d.from.port, at + 8);
  out[at + 10] = address.length;
  address.copy(out, at + DATAGRAM_HEAD);
  out.set(d.bytes, at + DATAGRAM_HEAD + address.length);
  return out;
}

function decodeDatagram(bytes: Buffer, at: number): Datagram | null {
  if (bytes.length < at + DATAGRAM_HEAD) return null;
  const addressLength = bytes[at + 10];
  const body = at + DATAGRAM_HEAD + addressLength;
  if (bytes.length < body) return null;
  return {
    receivedAt: bytes.readDoubleLE(at),
    from: { address: bytes.toString('latin1', at + DATAGRAM_HEAD, body), port: bytes.readUInt16LE(at + 8) },
    bytes: bytes.subarray(body),
  };
}

export function encodeStreamEntry(entry: StreamEntry): Buffer {
  switch (entry.kind) {
    case 'datagram':
      return encodeDatagram(Buffer.from([DATAGRAM]), entry.datagram);
    case 'replay': {
      // A prefix is `replay:<run name>/`: cut to what fits its length byte.
      const prefix = Buffer.from(entry.prefix, 'utf8').subarray(0, 255);
      return encodeDatagram(Buffer.concat([Buffer.from([REPLAY, entry.slot, prefix.length]), prefix]), entry.datagram);
    }
    case 'replay-end':
      return Buffer.from([REPLAY_END, entry.slot]);
    case 'clock':
      return jsonEntry(CLOCK, { h: entry.hostId, o: entry.offsetMs, l: entry.latencyMs });
    case 'beat':
      return jsonEntry(BEAT, {
        n: entry.node,
        s: entry.source,
        ...(entry.replays ? { r: entry.replays.map((r) => [r.slot, r.prefix]) } : {}),
      });
  }
}

function jsonEntry(kind: number, body: object): Buffer {
  return Buffer.concat([Buffer.from([kind]), Buffer.from(JSON.stringify(body))]);
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

function decodeReplay(bytes: Buffer): StreamEntry | null {
  if (bytes.length < 3 || bytes[1] === 0) return null;
  const prefixEnd = 3 + bytes[2];
  const datagram = decodeDatagram(bytes, prefixEnd);
  if (datagram === null) return null;
  return { kind: 'replay', slot: bytes[1], prefix: bytes.toString('utf8', 3, prefixEnd), datagram };
}

/** The entry, or null when the bytes are not one (counted by the reader as a malformed entry). */
export function decodeStreamEntry(bytes: Buffer): StreamEntry | null {
  if (bytes.length === 0) return null;
  if (bytes[0] === DATAGRAM) {
    const datagram = decodeDatagram(bytes, 1);
    return datagram === null ? null : { kind: 'datagram', datagram };
  }
  if (bytes[0] === REPLAY) return decodeReplay(bytes);
  if (bytes[0] === REPLAY_END)
    return bytes.length === 2 && bytes[1] !== 0 ? { kind: 'replay-end', slot: bytes[1] } : null;
  const body = parseJson(bytes.subarray(1));
  if (body === null) return null;
  if (bytes[0] === CLOCK && isNumber(body.h) && isNumber(body.o) && isNumber(body.l)) {
    return { kind: 'clock', hostId: body.h, offsetMs: body.o, latencyMs: body.l };
  }
  if (bytes[0] === BEAT && typeof body.n === 'string' && SOURCES.includes(body.s as string)) {
    const replays = decodeReplays(body.r);
    if (replays === null) return null;
    return { kind: 'beat', node: body.n, source: body.s as IngestSource, ...(replays ? { replays } : {}) };
  }
  return null;
}

const isSlot = (v: unknown): v is number => Number.isInteger(v) && (v as number) >= 1 && (v as number) <= 255;

/** A beat's `r`: undefined when absent, null when malformed (the whole entry is then malformed). */
function decodeReplays(r: unknown): ActiveReplay[] | undefined | null {
  if (r === undefined) return undefined;
  if (!Array.isArray(r) || r.length > 255) return null;
  const replays: ActiveReplay[] = [];
  for (const item of r) {
    if (!Array.isArray(item) || !isSlot(item[0]) || typeof item[1] !== 'string') return null;
    replays.push({ slot: item[0], prefix: item[1] });
  }
  return replays;
}
