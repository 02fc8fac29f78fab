import { checkFloat, isUint, U16, U32, uintError } from './check-field.js';
import type { ChannelValuesMessage } from './types.js';
import { CHANNEL_VALUE_RECORD_SIZE, HEADER_SIZE } from './types.js';

// ChannelValues value: 10-byte records: channel id u16, ts u32, value float32.
const TS_OFFSET = 2;
const VALUE_OFFSET = 6;

/**
 * Writes a ChannelValues value after the header (the view spans the whole datagram). The encoder's hot loop: field
 * names are built only on failure, since it runs for every sample the simulator sends.
 */
export function writeChannelValues(m: ChannelValuesMessage, view: DataView): void {
  const samples = m.samples;
  for (let i = 0, o = HEADER_SIZE; i < samples.length; i++, o += CHANNEL_VALUE_RECORD_SIZE) {
    const s = samples[i];
    if (!isUint(s.channelId, U16)) throw uintError(`samples[${i}].channelId`, s.channelId, U16);
    if (!isUint(s.ts, U32)) throw uintError(`samples[${i}].ts`, s.ts, U32);
    if (typeof s.value !== 'number') checkFloat(`samples[${i}].value`, s.value);
    view.setUint16(o, s.channelId, true);
    view.setUint32(o + TS_OFFSET, s.ts, true);
    view.setFloat32(o + VALUE_OFFSET, s.value, true);
  }
}
