import { FrameDecodeError } from './frame-decode-error.js';
import { readFixedString } from './read-fixed-string.js';
import type { ChannelInfoRecord, DecodedFrame } from './types.js';
import { CHANNEL_INFO_RECORD_SIZE, CHANNEL_NAME_SIZE, HEADER_SIZE, PROVIDER_NAME_SIZE } from './types.js';

/**
 * ChannelInfo value: 50-byte provider name, then 34-byte records (id u16, vendor u8, name 30 bytes, unit u8).
 * Shorter than the provider name is an error (BAD_CHANNEL_INFO_LENGTH): there is no provider to attach channels to.
 * A length that is not 50 + 34·N keeps the whole records and reports the rest in partialRecordBytes, as for
 * ChannelValues: one short record should not hide a provider's other channels.
 */
export function decodeChannelInfo(
  bytes: Uint8Array,
  length: number,
  host: number,
  seq: number,
  destination: number,
  trailingBytes: number,
): DecodedFrame {
  if (length < PROVIDER_NAME_SIZE) {
    throw new FrameDecodeError(
      'BAD_CHANNEL_INFO_LENGTH',
      HEADER_SIZE,
      `ChannelInfo providerName at offset ${HEADER_SIZE} needs ${PROVIDER_NAME_SIZE} bytes, value length is ${length}`,
    );
  }
  const providerName = readFixedString(bytes, HEADER_SIZE, PROVIDER_NAME_SIZE);
  const recordBytes = length - PROVIDER_NAME_SIZE;
  const count = (recordBytes / CHANNEL_INFO_RECORD_SIZE) | 0;
  const channels: ChannelInfoRecord[] = new Array(count);
  for (let i = 0, o = HEADER_SIZE + PROVIDER_NAME_SIZE; i < count; i++, o += CHANNEL_INFO_RECORD_SIZE) {
    channels[i] = {
      channelId: bytes[o] | (bytes[o + 1] << 8),
      vendor: bytes[o + 2],
      name: readFixedString(bytes, o + 3, CHANNEL_NAME_SIZE),
      unit: bytes[o + 3 + CHANNEL_NAME_SIZE],
    };
  }
  return {
    type: 'ChannelInfo',
    key: 0x01,
    host,
    seq,
    destination,
    providerName,
    channels,
    trailingBytes,
    partialRecordBytes: recordBytes - count * CHANNEL_INFO_RECORD_SIZE,
    extraValueBytes: 0,
  };
}
