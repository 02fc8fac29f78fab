import { copyBytes } from './copy-bytes.js';
import { decodeChannelInfo } from './decode-channel-info.js';
import { decodeChannelValues } from './decode-channel-values.js';
import { decodeExtended } from './decode-extended.js';
import { decodePingPong } from './decode-ping-pong.js';
import { checkHeader } from './read-header.js';
import type { DecodedFrame } from './types.js';
import { HEADER_SIZE, KEY } from './types.js';

const V = HEADER_SIZE;

/**
 * Decodes one JetDrive datagram. Throws FrameDecodeError (never anything else) when a field does not fit.
 *
 * Works on any Uint8Array view: Node Buffers from a socket share a pooled ArrayBuffer, so every read goes through
 * the view's own indices or a DataView built from byteOffset, never from the start of `bytes.buffer`.
 *
 * What is decoded but not used is reported, not thrown, so the node can count it:
 * - trailingBytes: bytes after `8 + length` (some stacks pad datagrams; the frame itself is complete);
 * - partialRecordBytes: a last ChannelValues / ChannelInfo record that is not whole (the whole ones are kept);
 * - extraValueBytes: value bytes beyond a fixed layout (a newer node may append fields).
 * Unknown keys decode as `{ type: 'Unknown', key, value }` with a copy of the value.
 */
export function decodeFrame(bytes: Uint8Array): DecodedFrame {
  const length = checkHeader(bytes);
  const key = bytes[0];
  const host = bytes[3] | (bytes[4] << 8);
  const seq = bytes[5];
  const destination = bytes[6] | (bytes[7] << 8);
  const trailingBytes = bytes.byteLength - V - length;

  switch (key) {
    case KEY.ChannelValues:
      return decodeChannelValues(bytes, length, host, seq, destination, trailingBytes);
    case KEY.ChannelInfo:
      return decodeChannelInfo(bytes, length, host, seq, destination, trailingBytes);
    case KEY.ClearChannelInfo:
      return {
        type: 'ClearChannelInfo',
        key: KEY.ClearChannelInfo,
        host,
        seq,
        destination,
        trailingBytes,
        partialRecordBytes: 0,
        extraValueBytes: length,
      };
    case KEY.RequestChannelInfo:
      return {
        type: 'RequestChannelInfo',
        key: KEY.RequestChannelInfo,
        host,
        seq,
        destination,
        trailingBytes,
        partialRecordBytes: 0,
        extraValueBytes: length,
      };
    case KEY.Ping:
    case KEY.Pong:
      return decodePingPong(bytes, key, length, host, seq, destination, trailingBytes);
    default: {
      const extended = decodeExtended(bytes, key, length, host, seq, destination, trailingBytes);
      if (extended !== undefined) return extended;
      return {
        type: 'Unknown',
        key,
        host,
        seq,
        destination,
        value: copyBytes(bytes, V, V + length),
        trailingBytes,
        partialRecordBytes: 0,
        extraValueBytes: 0,
      };
    }
  }
}
