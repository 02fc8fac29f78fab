import { FrameDecodeError } from './frame-decode-error.js';
import { HEADER_SIZE } from './types.js';

/** The 8-byte KLHDV header, validated against the datagram's size. */
export interface RawHeader {
  key: number;
  /** Length of the value in bytes (header not included). */
  length: number;
  host: number;
  seq: number;
  destination: number;
}

// Each header field is checked on its own so the error names the first field that is missing.
const HEADER_FIELDS: ReadonlyArray<readonly [name: string, offset: number, size: number]> = [
  ['key', 0, 1],
  ['length', 1, 2],
  ['host', 3, 2],
  ['seq', 5, 1],
  ['destination', 6, 2],
];

/** Throws TOO_SHORT naming the first header field that does not fit, or LENGTH_MISMATCH when 8 + length > size. */
export function checkHeader(bytes: Uint8Array): number {
  const size = bytes.byteLength;
  if (size < HEADER_SIZE) {
    for (const [name, offset, width] of HEADER_FIELDS) {
      if (offset + width > size) {
        throw new FrameDecodeError(
          'TOO_SHORT',
          offset,
          `header field ${name} at offset ${offset} needs ${width} byte(s), datagram has ${size} byte(s) (header is ${HEADER_SIZE})`,
        );
      }
    }
  }
  const length = bytes[1] | (bytes[2] << 8);
  if (HEADER_SIZE + length > size) {
    throw new FrameDecodeError(
      'LENGTH_MISMATCH',
      1,
      `length field at offset 1 says ${length} value byte(s), datagram has ${size - HEADER_SIZE} after the ${HEADER_SIZE}-byte header`,
    );
  }
  return length;
}

/** Reads and validates the header without decoding the value (e.g. to drop frames for other destinations cheaply). */
export function readHeader(bytes: Uint8Array): RawHeader {
  const length = checkHeader(bytes);
  return {
    key: bytes[0],
    length,
    host: bytes[3] | (bytes[4] << 8),
    seq: bytes[5],
    destination: bytes[6] | (bytes[7] << 8),
  };
}

/** The key byte, or undefined for an empty datagram. Does not validate anything else. */
export function peekKey(bytes: Uint8Array): number | undefined {
  return bytes.byteLength > 0 ? bytes[0] : undefined;
}
