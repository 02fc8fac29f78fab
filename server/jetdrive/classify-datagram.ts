import type { ChannelValuesBatch } from '../protocol/channel-values-batch.js';
import { decodeChannelValuesInto } from '../protocol/decode-channel-values-into.js';
import { decodeFrame } from '../protocol/decode-frame.js';
import { checkHeader } from '../protocol/read-header.js';
import type { DecodedFrame } from '../protocol/types.js';
import { HEADER_SIZE, KEY } from '../protocol/types.js';

/** The header fields every classified datagram carries, and what its decode could not use. */
export interface ClassifiedHeader {
  host: number;
  seq: number;
  destination: number;
  trailingBytes: number;
  partialRecordBytes: number;
}

/**
 * `values`: a ChannelValues message, its records decoded into the caller's batch (the bulk of the traffic skips
 * decodeFrame and its object per sample); `frame`: every other message, decoded; `malformed`: the codec's error.
 */
export type ClassifiedDatagram =
  | ({ kind: 'values' } & ClassifiedHeader)
  | ({ kind: 'frame'; frame: DecodedFrame } & ClassifiedHeader)
  | { kind: 'malformed'; error: unknown };

/** Pure: decodes one datagram (ChannelValues into `values`, in place). Never throws. */
export function classifyDatagram(bytes: Uint8Array, values: ChannelValuesBatch): ClassifiedDatagram {
  try {
    if (bytes.byteLength >= HEADER_SIZE && bytes[0] === KEY.ChannelValues) {
      const length = checkHeader(bytes);
      return {
        kind: 'values',
        host: bytes[3] | (bytes[4] << 8),
        seq: bytes[5],
        destination: bytes[6] | (bytes[7] << 8),
        trailingBytes: bytes.byteLength - HEADER_SIZE - length,
        partialRecordBytes: decodeChannelValuesInto(bytes, length, values),
      };
    }
    const frame = decodeFrame(bytes);
    return {
      kind: 'frame',
      frame,
      host: frame.host,
      seq: frame.seq,
      destination: frame.destination,
      trailingBytes: frame.trailingBytes,
      partialRecordBytes: frame.partialRecordBytes,
    };
  } catch (error) {
    return { kind: 'malformed', error };
  }
}
