import { checkUint, U8, U16 } from './check-field.js';
import { encodeFrame } from './encode-frame.js';
import { FrameEncodeError } from './frame-encode-error.js';
import type { ChannelSample, ChannelValuesMessage } from './types.js';
import { ALL_HOSTS, CHANNEL_VALUE_RECORD_SIZE, DEFAULT_MTU } from './types.js';

export interface ChannelValuesFramesOptions {
  host: number;
  /** Default ALL_HOSTS. */
  destination?: number;
  /** seq of the first message; later ones add 1, wrapping 255 → 0. Default 0. */
  seqStart?: number;
  samples: readonly ChannelSample[];
  /** Maximum value bytes per message. Default DEFAULT_MTU (1400: 140 samples). */
  mtu?: number;
}

/** ChannelValues messages split so each value fits the MTU. No samples gives no messages. */
export function buildChannelValuesMessages(opts: ChannelValuesFramesOptions): ChannelValuesMessage[] {
  const mtu = opts.mtu ?? DEFAULT_MTU;
  const seqStart = opts.seqStart ?? 0;
  checkUint('mtu', mtu, U16);
  checkUint('seqStart', seqStart, U8);
  const perMessage = Math.floor(mtu / CHANNEL_VALUE_RECORD_SIZE);
  if (perMessage < 1) {
    throw new FrameEncodeError(
      'VALUE_TOO_LONG',
      'mtu',
      `mtu ${mtu} fits no ChannelValues record (needs ${CHANNEL_VALUE_RECORD_SIZE} bytes)`,
    );
  }
  const destination = opts.destination ?? ALL_HOSTS;
  const messages: ChannelValuesMessage[] = [];
  for (let start = 0; start < opts.samples.length; start += perMessage) {
    messages.push({
      type: 'ChannelValues',
      key: 0x02,
      host: opts.host,
      seq: (seqStart + messages.length) & 0xff,
      destination,
      samples: opts.samples.slice(start, start + perMessage),
    });
  }
  return messages;
}

/** buildChannelValuesMessages, encoded: one datagram per message, ready to send. */
export function buildChannelValuesFrames(opts: ChannelValuesFramesOptions): Uint8Array[] {
  return buildChannelValuesMessages(opts).map(encodeFrame);
}
