import type { ChannelSample } from '../protocol/types.js';
import { CHANNEL_VALUE_RECORD_SIZE } from '../protocol/types.js';

/** Samples laid out as ChannelValues records (what JetDriveSink.channelValues reads): for replay and tests. */
export function channelValueRecords(samples: readonly ChannelSample[]): DataView {
  const view = new DataView(new ArrayBuffer(samples.length * CHANNEL_VALUE_RECORD_SIZE));
  samples.forEach((s, i) => {
    const o = i * CHANNEL_VALUE_RECORD_SIZE;
    view.setUint16(o, s.channelId, true);
    view.setUint32(o + 2, s.ts >>> 0, true);
    view.setFloat32(o + 6, s.value, true);
  });
  return view;
}
