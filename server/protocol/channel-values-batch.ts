import type { ChannelSample } from './types.js';
import { CHANNEL_VALUE_RECORD_SIZE } from './types.js';

/** The most records one ChannelValues value can hold (its length field is a u16). */
export const MAX_CHANNEL_VALUE_RECORDS = Math.floor(0xffff / CHANNEL_VALUE_RECORD_SIZE);

/**
 * The records of one ChannelValues message as columns: record i is (channelIds[i], ts[i], values[i]) for i < count.
 * The columns are sized once for the largest message and reused for every datagram (decodeChannelValuesInto fills
 * them in place): a consumer reads them during the call that hands it the batch and copies what it keeps.
 */
export class ChannelValuesBatch {
  /** Records decoded; the columns are longer. */
  count = 0;
  readonly channelIds: Uint16Array;
  /** Provider clock, ms (u32). */
  readonly ts: Uint32Array;
  /** float32 on the wire, so a Float32Array holds them exactly; NaN and Infinity are kept. */
  readonly values: Float32Array;

  constructor(capacity: number = MAX_CHANNEL_VALUE_RECORDS) {
    this.channelIds = new Uint16Array(capacity);
    this.ts = new Uint32Array(capacity);
    this.values = new Float32Array(capacity);
  }

  get capacity(): number {
    return this.channelIds.length;
  }

  /** A batch holding these samples (tests, replay): the object form decodeFrame returns, as columns. */
  static from(samples: readonly ChannelSample[]): ChannelValuesBatch {
    const batch = new ChannelValuesBatch(samples.length);
    for (let i = 0; i < samples.length; i++) {
      batch.channelIds[i] = samples[i].channelId;
      batch.ts[i] = samples[i].ts >>> 0;
      batch.values[i] = samples[i].value;
    }
    batch.count = samples.length;
    return batch;
  }
}
