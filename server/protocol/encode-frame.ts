import { checkUint, U8, U16 } from './check-field.js';
import { LOAD_CONTROL_LENGTH, LOGGING_RESPONSE_LENGTH } from './decode-extended.js';
import { PING_FIXED_LENGTH, PONG_FIXED_LENGTH } from './decode-ping-pong.js';
import { FrameEncodeError } from './frame-encode-error.js';
import type { JetDriveMessage } from './types.js';
import { CHANNEL_INFO_RECORD_SIZE, CHANNEL_VALUE_RECORD_SIZE, HEADER_SIZE, KEY, PROVIDER_NAME_SIZE } from './types.js';
import { writeChannelInfo } from './write-channel-info.js';
import { writeChannelValues } from './write-channel-values.js';
import { writeFixedValue } from './write-fixed-value.js';

const V = HEADER_SIZE;
const KNOWN_KEYS: ReadonlySet<number> = new Set(Object.values(KEY));

function valueLength(m: JetDriveMessage): number {
  switch (m.type) {
    case 'ChannelInfo':
      return PROVIDER_NAME_SIZE + m.channels.length * CHANNEL_INFO_RECORD_SIZE;
    case 'ChannelValues':
      return m.samples.length * CHANNEL_VALUE_RECORD_SIZE;
    case 'ClearChannelInfo':
    case 'RequestChannelInfo':
      return 0;
    case 'Ping':
      return PING_FIXED_LENGTH + m.echo.length;
    case 'Pong':
      return PONG_FIXED_LENGTH + m.echo.length;
    case 'RequestLogging':
    case 'RequestBrake':
    case 'BrakeResponse':
      return 1;
    case 'LoggingResponse':
      return m.timestamp === null ? 1 : LOGGING_RESPONSE_LENGTH;
    case 'RequestLoadControl':
    case 'LoadControlResponse':
      return LOAD_CONTROL_LENGTH;
    case 'Unknown':
      return m.value.length;
  }
}

/**
 * Encodes a message as one canonical datagram: 8-byte header, value exactly `length` bytes, names UTF-8 cut at a
 * character boundary to their field and NUL-padded after the name, reserved bytes 0, NaN written as V8 writes it
 * (0x7FC00000). For a canonical datagram b, encodeFrame(decodeFrame(b)) equals b byte for byte.
 * Every number is range-checked first: a bad field throws FrameEncodeError naming it, never a RangeError.
 */
export function encodeFrame(m: JetDriveMessage): Uint8Array {
  checkUint('host', m.host, U16);
  checkUint('seq', m.seq, U8);
  checkUint('destination', m.destination, U16);
  if (m.type === 'Unknown') {
    checkUint('key', m.key, U8);
    if (KNOWN_KEYS.has(m.key)) {
      throw new FrameEncodeError(
        'KNOWN_KEY_AS_UNKNOWN',
        'key',
        `key 0x${m.key.toString(16).padStart(2, '0')} is a known key; encode it as its own message type, not Unknown`,
      );
    }
  }
  const length = valueLength(m);
  if (length > U16) {
    throw new FrameEncodeError(
      'VALUE_TOO_LONG',
      'length',
      `${m.type} value is ${length} bytes, the length field holds at most ${U16}`,
    );
  }
  const out = new Uint8Array(V + length);
  const view = new DataView(out.buffer);
  out[0] = m.type === 'Unknown' ? m.key : KEY[m.type];
  view.setUint16(1, length, true);
  view.setUint16(3, m.host, true);
  out[5] = m.seq;
  view.setUint16(6, m.destination, true);

  switch (m.type) {
    case 'ChannelValues':
      writeChannelValues(m, view);
      break;
    case 'ChannelInfo':
      writeChannelInfo(m, out, view);
      break;
    case 'Unknown':
      out.set(m.value, V);
      break;
    default:
      writeFixedValue(m, out, view);
  }
  return out;
}
