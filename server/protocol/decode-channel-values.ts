import type { ChannelSample, DecodedFrame } from './types.js';
import { CHANNEL_VALUE_RECORD_SIZE, HEADER_SIZE } from './types.js';

/**
 * ChannelValues value: repeated 10-byte records (channel id u16, ts u32, value float32). The hot path of the hub:
 * one DataView per datagram, one plain object per sample with a single shape, no closures and no other allocation.
 * A last record shorter than 10 bytes is ignored and reported in partialRecordBytes (the node counts it): the whole
 * records before it are still good data, and dropping them would lose samples for one sender's bug.
 */
export function decodeChannelValues(
  bytes: Uint8Array,
  length: number,
  host: number,
  seq: number,
  destination: number,
  trailingBytes: number,
): DecodedFrame {
  const count = (length / CHANNEL_VALUE_RECORD_SIZE) | 0;
  const view = new DataView(bytes.buffer, bytes.byteOffset + HEADER_SIZE, count * CHANNEL_VALUE_RECORD_SIZE);
  const samples: ChannelSample[] = new Array(count);
  for (let i = 0, o = 0; i < count; i++, o += CHANNEL_VALUE_RECORD_SIZE) {
    samples[i] = {
      channelId: view.getUint16(o, true),
      ts: view.getUint32(o + 2, true),
      value: view.getFloat32(o + 6, true),
    };
  }
  return {
    type: 'ChannelValues',
    key: 0x02,
    host,
    seq,
    destination,
    samples,
    trailingBytes,
    partialRecordBytes: length - count * CHANNEL_VALUE_RECORD_SIZE,
    extraValueBytes: 0,
  };
}
