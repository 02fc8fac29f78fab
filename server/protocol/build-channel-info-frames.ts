import { checkUint, U8, U16 } from './check-field.js';
import { encodeFrame } from './encode-frame.js';
import { FrameEncodeError } from './frame-encode-error.js';
import { truncateUtf8 } from './truncate-utf8.js';
import type { ChannelInfoMessage, ChannelInfoRecord } from './types.js';
import { ALL_HOSTS, CHANNEL_INFO_RECORD_SIZE, CHANNEL_NAME_SIZE, DEFAULT_MTU, PROVIDER_NAME_SIZE } from './types.js';

export interface ChannelInfoFramesOptions {
  host: number;
  /** Default ALL_HOSTS. */
  destination?: number;
  /** seq of the first message; later ones add 1, wrapping 255 → 0. Default 0. */
  seqStart?: number;
  providerName: string;
  channels: readonly ChannelInfoRecord[];
  /** Maximum value bytes per message. Default DEFAULT_MTU (1400: 39 channel records). */
  mtu?: number;
}

/**
 * ChannelInfo messages for a provider, split so each value fits the MTU, each repeating the provider name.
 * Names are truncated to 50 / 30 bytes on a UTF-8 character boundary, so each message equals what a receiver
 * decodes. A provider with no channels still gets one message (it announces itself).
 */
export function buildChannelInfoMessages(opts: ChannelInfoFramesOptions): ChannelInfoMessage[] {
  const mtu = opts.mtu ?? DEFAULT_MTU;
  const seqStart = opts.seqStart ?? 0;
  checkUint('mtu', mtu, U16);
  checkUint('seqStart', seqStart, U8);
  const perMessage = Math.floor((mtu - PROVIDER_NAME_SIZE) / CHANNEL_INFO_RECORD_SIZE);
  if (perMessage < 1) {
    throw new FrameEncodeError(
      'VALUE_TOO_LONG',
      'mtu',
      `mtu ${mtu} fits no ChannelInfo record (needs ${PROVIDER_NAME_SIZE + CHANNEL_INFO_RECORD_SIZE} bytes)`,
    );
  }
  const providerName = truncateUtf8(opts.providerName, PROVIDER_NAME_SIZE);
  const destination = opts.destination ?? ALL_HOSTS;
  const messages: ChannelInfoMessage[] = [];
  let start = 0;
  do {
    const slice = opts.channels.slice(start, start + perMessage);
    messages.push({
      type: 'ChannelInfo',
      key: 0x01,
      host: opts.host,
      seq: (seqStart + messages.length) & 0xff,
      destination,
      providerName,
      channels: slice.map((c) => ({ ...c, name: truncateUtf8(c.name, CHANNEL_NAME_SIZE) })),
    });
    start += perMessage;
  } while (start < opts.channels.length);
  return messages;
}

/** buildChannelInfoMessages, encoded: one datagram per message, ready to send. */
export function buildChannelInfoFrames(opts: ChannelInfoFramesOptions): Uint8Array[] {
  return buildChannelInfoMessages(opts).map(encodeFrame);
}
