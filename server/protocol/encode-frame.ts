import { checkFloat, checkUint, isUint, U8, U16, U32, uintError } from './check-field.js';
import { LOAD_CONTROL_LENGTH, LOGGING_RESPONSE_LENGTH } from './decode-extended.js';
import { FrameEncodeError } from './frame-encode-error.js';
import { fieldBytes } from './truncate-utf8.js';
import type { JetDriveMessage } from './types.js';
import {
  CHANNEL_INFO_RECORD_SIZE,
  CHANNEL_NAME_SIZE,
  CHANNEL_VALUE_RECORD_SIZE,
  HEADER_SIZE,
  KEY,
  PROVIDER_NAME_SIZE,
} from './types.js';

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
      return 5 + m.echo.length;
    case 'Pong':
      return 9 + m.echo.length;
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
    case 'ChannelInfo': {
      out.set(fieldBytes(m.providerName, PROVIDER_NAME_SIZE), V);
      let o = V + PROVIDER_NAME_SIZE;
      for (let i = 0; i < m.channels.length; i++, o += CHANNEL_INFO_RECORD_SIZE) {
        const c = m.channels[i];
        checkUint(`channels[${i}].channelId`, c.channelId, U16);
        checkUint(`channels[${i}].vendor`, c.vendor, U8);
        checkUint(`channels[${i}].unit`, c.unit, U8);
        view.setUint16(o, c.channelId, true);
        out[o + 2] = c.vendor;
        out.set(fieldBytes(c.name, CHANNEL_NAME_SIZE), o + 3);
        out[o + 3 + CHANNEL_NAME_SIZE] = c.unit;
      }
      break;
    }
    case 'ChannelValues': {
      let o = V;
      for (let i = 0; i < m.samples.length; i++, o += CHANNEL_VALUE_RECORD_SIZE) {
        const s = m.samples[i];
        // Field names are built only on failure: this loop runs for every sample the simulator sends.
        if (!isUint(s.channelId, U16)) throw uintError(`samples[${i}].channelId`, s.channelId, U16);
        if (!isUint(s.ts, U32)) throw uintError(`samples[${i}].ts`, s.ts, U32);
        if (typeof s.value !== 'number') checkFloat(`samples[${i}].value`, s.value);
        view.setUint16(o, s.channelId, true);
        view.setUint32(o + 2, s.ts, true);
        view.setFloat32(o + 6, s.value, true);
      }
      break;
    }
    case 'ClearChannelInfo':
    case 'RequestChannelInfo':
      break;
    case 'Ping':
      checkUint('version', m.version, U8);
      checkUint('hostTs', m.hostTs, U32);
      out[V] = m.version;
      view.setUint32(V + 1, m.hostTs, true);
      out.set(m.echo, V + 5);
      break;
    case 'Pong':
      checkUint('version', m.version, U8);
      checkUint('hostTs', m.hostTs, U32);
      checkUint('remoteTs', m.remoteTs, U32);
      out[V] = m.version;
      view.setUint32(V + 1, m.hostTs, true);
      view.setUint32(V + 5, m.remoteTs, true);
      out.set(m.echo, V + 9);
      break;
    case 'RequestLogging':
    case 'RequestBrake':
      checkUint('command', m.command, U8);
      out[V] = m.command;
      break;
    case 'BrakeResponse':
      checkUint('state', m.state, U8);
      out[V] = m.state;
      break;
    case 'LoggingResponse':
      checkUint('state', m.state, U8);
      out[V] = m.state;
      if (m.timestamp !== null) {
        checkUint('timestamp', m.timestamp, U32);
        view.setUint32(V + 3, m.timestamp, true);
      }
      break;
    case 'RequestLoadControl':
    case 'LoadControlResponse':
      checkUint('enable', m.enable, U8);
      checkUint('controlType', m.controlType, U8);
      checkFloat('target', m.target);
      out[V] = m.enable;
      out[V + 1] = m.controlType;
      view.setFloat32(V + 2, m.target, true);
      break;
    case 'Unknown':
      out.set(m.value, V);
      break;
  }
  return out;
}
