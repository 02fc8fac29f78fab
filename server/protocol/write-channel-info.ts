import { checkUint, U8, U16 } from './check-field.js';
import { fieldBytes } from './truncate-utf8.js';
import type { ChannelInfoMessage } from './types.js';
import { CHANNEL_INFO_RECORD_SIZE, CHANNEL_NAME_SIZE, HEADER_SIZE, PROVIDER_NAME_SIZE } from './types.js';

// ChannelInfo value: provider name (50 bytes), then 34-byte records: channel id u16, vendor u8, name (30 bytes), unit u8.
const VENDOR_OFFSET = 2;
const NAME_OFFSET = 3;
const UNIT_OFFSET = NAME_OFFSET + CHANNEL_NAME_SIZE;

/** Writes a ChannelInfo value after the header of `out` (sized by the caller); range-checks every record first. */
export function writeChannelInfo(m: ChannelInfoMessage, out: Uint8Array, view: DataView): void {
  out.set(fieldBytes(m.providerName, PROVIDER_NAME_SIZE), HEADER_SIZE);
  let o = HEADER_SIZE + PROVIDER_NAME_SIZE;
  for (let i = 0; i < m.channels.length; i++, o += CHANNEL_INFO_RECORD_SIZE) {
    const c = m.channels[i];
    checkUint(`channels[${i}].channelId`, c.channelId, U16);
    checkUint(`channels[${i}].vendor`, c.vendor, U8);
    checkUint(`channels[${i}].unit`, c.unit, U8);
    view.setUint16(o, c.channelId, true);
    out[o + VENDOR_OFFSET] = c.vendor;
    out.set(fieldBytes(c.name, CHANNEL_NAME_SIZE), o + NAME_OFFSET);
    out[o + UNIT_OFFSET] = c.unit;
  }
}
