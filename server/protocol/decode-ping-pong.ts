import { copyBytes } from './copy-bytes.js';
import { needField } from './need-field.js';
import type { DecodedFrame } from './types.js';
import { HEADER_SIZE, KEY } from './types.js';

// Ping: version u8, hostTs u32, echo bytes. Pong: version u8, hostTs u32, remoteTs u32, echo bytes.

const V = HEADER_SIZE;
const VERSION_OFFSET = V;
const HOST_TS_OFFSET = V + 1;
const REMOTE_TS_OFFSET = V + 5;
/** Value bytes before a Ping's echo: version u8 + hostTs u32. */
export const PING_FIXED_LENGTH = 5;
/** Value bytes before a Pong's echo: version u8 + hostTs u32 + remoteTs u32. */
export const PONG_FIXED_LENGTH = 9;

function readU32(bytes: Uint8Array, o: number): number {
  return (bytes[o] | (bytes[o + 1] << 8) | (bytes[o + 2] << 16) | (bytes[o + 3] << 24)) >>> 0;
}

/** Decodes a Ping or a Pong value (`key` is KEY.Ping or KEY.Pong); everything after the fixed fields is the echo. */
export function decodePingPong(
  bytes: Uint8Array,
  key: typeof KEY.Ping | typeof KEY.Pong,
  length: number,
  host: number,
  seq: number,
  destination: number,
  trailingBytes: number,
): DecodedFrame {
  const end = V + length;
  const name = key === KEY.Ping ? 'Ping' : 'Pong';
  needField(name, 'version', VERSION_OFFSET, 1, end);
  needField(name, 'hostTs', HOST_TS_OFFSET, 4, end);
  const counters = { trailingBytes, partialRecordBytes: 0, extraValueBytes: 0 };
  const version = bytes[VERSION_OFFSET];
  const hostTs = readU32(bytes, HOST_TS_OFFSET);
  if (key === KEY.Ping) {
    const echo = copyBytes(bytes, V + PING_FIXED_LENGTH, end);
    return { type: 'Ping', key: KEY.Ping, host, seq, destination, version, hostTs, echo, ...counters };
  }
  needField(name, 'remoteTs', REMOTE_TS_OFFSET, 4, end);
  const remoteTs = readU32(bytes, REMOTE_TS_OFFSET);
  const echo = copyBytes(bytes, V + PONG_FIXED_LENGTH, end);
  return { type: 'Pong', key: KEY.Pong, host, seq, destination, version, hostTs, remoteTs, echo, ...counters };
}
