import type { ChannelValuesBatch } from './channel-values-batch.js';
import { CHANNEL_VALUE_RECORD_SIZE, HEADER_SIZE } from './types.js';

// Offsets inside one 10-byte ChannelValues record.
const CHANNEL_ID_AT = 0;
const TS_AT = 2;
const VALUE_AT = 6;

/**
 * Decodes the records of a ChannelValues value (`length` bytes after the header, already checked against the
 * datagram by checkHeader) into `into`'s columns, in place: no allocation but one DataView over the datagram.
 * A last record shorter than 10 bytes is not decoded; returns its size in bytes (the caller counts it).
 */
export function decodeChannelValuesInto(bytes: Uint8Array, length: number, into: ChannelValuesBatch): number {
  const count = Math.min((length / CHANNEL_VALUE_RECORD_SIZE) | 0, into.capacity);
  const view = new DataView(bytes.buffer, bytes.byteOffset + HEADER_SIZE, count * CHANNEL_VALUE_RECORD_SIZE);
  const ids = into.channelIds;
  const ts = into.ts;
  const values = into.values;
  for (let i = 0, o = 0; i < count; i++, o += CHANNEL_VALUE_RECORD_SIZE) {
    ids[i] = view.getUint16(o + CHANNEL_ID_AT, true);
    ts[i] = view.getUint32(o + TS_AT, true);
    values[i] = view.getFloat32(o + VALUE_AT, true);
  }
  into.count = count;
  return length - count * CHANNEL_VALUE_RECORD_SIZE;
}
