import { needField } from './need-field.js';
import type { DecodedFrame } from './types.js';
import { HEADER_SIZE, KEY } from './types.js';

// The extended commands (0x1x requests, 0x2x responses) have fixed layouts. Bytes beyond the layout are ignored and
// counted in extraValueBytes, so a newer node that appends fields still decodes.

const V = HEADER_SIZE;
const LOGGING_TIMESTAMP_OFFSET = V + 3;
/** state u8, 2 reserved bytes, timestamp u32 at value offset 3. */
export const LOGGING_RESPONSE_LENGTH = 7;
export const LOAD_CONTROL_LENGTH = 6;

export function decodeExtended(
  bytes: Uint8Array,
  key: number,
  length: number,
  host: number,
  seq: number,
  destination: number,
  trailingBytes: number,
): DecodedFrame | undefined {
  const end = V + length;
  switch (key) {
    case KEY.RequestLogging:
      needField('RequestLogging', 'command', V, 1, end);
      return {
        type: 'RequestLogging',
        key: KEY.RequestLogging,
        host,
        seq,
        destination,
        command: bytes[V],
        trailingBytes,
        partialRecordBytes: 0,
        extraValueBytes: length - 1,
      };
    case KEY.LoggingResponse: {
      needField('LoggingResponse', 'state', V, 1, end);
      // A 1-byte response (state only) is accepted: the spec table's timestamp is optional in practice.
      if (length > 1) needField('LoggingResponse', 'timestamp', LOGGING_TIMESTAMP_OFFSET, 4, end);
      const timestamp =
        length > 1
          ? (bytes[LOGGING_TIMESTAMP_OFFSET] |
              (bytes[LOGGING_TIMESTAMP_OFFSET + 1] << 8) |
              (bytes[LOGGING_TIMESTAMP_OFFSET + 2] << 16) |
              (bytes[LOGGING_TIMESTAMP_OFFSET + 3] << 24)) >>>
            0
          : null;
      return {
        type: 'LoggingResponse',
        key: KEY.LoggingResponse,
        host,
        seq,
        destination,
        state: bytes[V],
        timestamp,
        trailingBytes,
        partialRecordBytes: 0,
        extraValueBytes: length > 1 ? length - LOGGING_RESPONSE_LENGTH : 0,
      };
    }
    case KEY.RequestLoadControl:
    case KEY.LoadControlResponse: {
      const name = key === KEY.RequestLoadControl ? 'RequestLoadControl' : 'LoadControlResponse';
      needField(name, 'enable', V, 1, end);
      needField(name, 'controlType', V + 1, 1, end);
      needField(name, 'target', V + 2, 4, end);
      const target = new DataView(bytes.buffer, bytes.byteOffset + V + 2, 4).getFloat32(0, true);
      const common = {
        host,
        seq,
        destination,
        enable: bytes[V],
        controlType: bytes[V + 1],
        target,
        trailingBytes,
        partialRecordBytes: 0,
        extraValueBytes: length - LOAD_CONTROL_LENGTH,
      };
      return key === KEY.RequestLoadControl
        ? { type: 'RequestLoadControl', key: KEY.RequestLoadControl, ...common }
        : { type: 'LoadControlResponse', key: KEY.LoadControlResponse, ...common };
    }
    case KEY.RequestBrake:
      needField('RequestBrake', 'command', V, 1, end);
      return {
        type: 'RequestBrake',
        key: KEY.RequestBrake,
        host,
        seq,
        destination,
        command: bytes[V],
        trailingBytes,
        partialRecordBytes: 0,
        extraValueBytes: length - 1,
      };
    case KEY.BrakeResponse:
      needField('BrakeResponse', 'state', V, 1, end);
      return {
        type: 'BrakeResponse',
        key: KEY.BrakeResponse,
        host,
        seq,
        destination,
        state: bytes[V],
        trailingBytes,
        partialRecordBytes: 0,
        extraValueBytes: length - 1,
      };
    default:
      return undefined;
  }
}
