import { checkFloat, checkUint, U8, U32 } from './check-field.js';
import { PING_FIXED_LENGTH, PONG_FIXED_LENGTH } from './decode-ping-pong.js';
import type { JetDriveMessage } from './types.js';
import { HEADER_SIZE } from './types.js';

const V = HEADER_SIZE;
/** Ping/Pong: version u8, then hostTs u32, then (Pong) remoteTs u32. */
const HOST_TS_OFFSET = V + 1;
const REMOTE_TS_OFFSET = V + 5;
/** LoggingResponse: state u8, 2 reserved bytes, timestamp u32. */
const LOGGING_TIMESTAMP_OFFSET = V + 3;
/** Load control: enable u8, controlType u8, target float32. */
const CONTROL_TYPE_OFFSET = V + 1;
const TARGET_OFFSET = V + 2;

/**
 * Writes the value of a fixed-layout message (Ping, Pong and the extended commands) after the header, range-checking
 * each field first. Other message types are left to their own writers.
 */
export function writeFixedValue(m: JetDriveMessage, out: Uint8Array, view: DataView): void {
  switch (m.type) {
    case 'Ping':
      checkUint('version', m.version, U8);
      checkUint('hostTs', m.hostTs, U32);
      out[V] = m.version;
      view.setUint32(HOST_TS_OFFSET, m.hostTs, true);
      out.set(m.echo, V + PING_FIXED_LENGTH);
      break;
    case 'Pong':
      checkUint('version', m.version, U8);
      checkUint('hostTs', m.hostTs, U32);
      checkUint('remoteTs', m.remoteTs, U32);
      out[V] = m.version;
      view.setUint32(HOST_TS_OFFSET, m.hostTs, true);
      view.setUint32(REMOTE_TS_OFFSET, m.remoteTs, true);
      out.set(m.echo, V + PONG_FIXED_LENGTH);
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
        view.setUint32(LOGGING_TIMESTAMP_OFFSET, m.timestamp, true);
      }
      break;
    case 'RequestLoadControl':
    case 'LoadControlResponse':
      checkUint('enable', m.enable, U8);
      checkUint('controlType', m.controlType, U8);
      checkFloat('target', m.target);
      out[V] = m.enable;
      out[CONTROL_TYPE_OFFSET] = m.controlType;
      view.setFloat32(TARGET_OFFSET, m.target, true);
      break;
    default:
      break;
  }
}
