import { type DataFrame, FRAME_HEADER_LENGTH, recordStride, type StreamChannel } from '@jetdrive-hub/client/contract';
import type { HubSample } from './hub-types.js';

/** Client-side state of one server stream: its channel table, filled from the subscribe ack and stream:channels. */
export interface StreamView {
  id: number;
  envelope: boolean;
  channels: Map<number, StreamChannel>;
}

export function toHubSample(channel: StreamChannel, time: number, value: number, providerTs: number): HubSample {
  return {
    channel: channel.displayName,
    key: channel.key,
    providerId: channel.providerId,
    channelId: channel.channelId,
    name: channel.name,
    unit: channel.unit,
    unitCode: channel.unitCode,
    quantity: channel.quantity,
    value,
    time,
    providerTs,
  };
}

/** Expands a compact frame (layout in the contract's data-frame.ts); records of channels the table no longer has are skipped. */
export function decodeDataFrame(frame: DataFrame, view: StreamView): HubSample[] {
  const stride = recordStride(view.envelope);
  const baseTime = frame[1];
  const basePts = frame[2];
  const samples: HubSample[] = [];
  for (let i = FRAME_HEADER_LENGTH; i + stride <= frame.length; i += stride) {
    const channel = view.channels.get(frame[i]);
    if (!channel) continue;
    const sample = toHubSample(channel, baseTime + frame[i + 1], frame[i + 2], basePts + frame[i + 3]);
    if (view.envelope) {
      sample.min = frame[i + 4];
      sample.max = frame[i + 5];
    }
    samples.push(sample);
  }
  return samples;
}
