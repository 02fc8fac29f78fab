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
  // The header fields and counters every extended message carries; `extra` = value bytes past its layout.
  const common = (extra: number) => ({
    host,
    seq,
    destination,
    trailingBytes,
    partialRecordBytes: 0,
    extraValueBytes: extra,
  });
  switch (key) {
    case KEY.RequestLogging:
      needField('RequestLogging', 'command', V, 1, end);
      return { type: 'RequestLogging', key: KEY.RequestLogging, command: bytes[V], ...common(length - 1) };
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
        state: bytes[V],
        timestamp,
        ...common(length > 1 ? length - LOGGING_RESPONSE_LENGTH : 0),
      };
    }
    case KEY.RequestLoadControl:
    case KEY.LoadControlResponse: {
      const name = key === KEY.RequestLoadControl ? 'RequestLoadControl' : 'LoadControlResponse';
      needField(name, 'enable', V, 1, end);
      needField(name, 'controlType', V + 1, 1, end);
      needField(name, 'target', V + 2, 4, end);
      const target = new DataView(bytes.buffer, bytes.byteOffset + V + 2, 4).getFloat32(0, true);
      const body = {
        enable: bytes[V],
        controlType: bytes[V + 1],
        target,
        ...common(length - LOAD_CONTROL_LENGTH),
      };
      return key === KEY.RequestLoadControl
        ? { type: 'RequestLoadControl', key: KEY.RequestLoadControl, ...body }
        : { type: 'LoadControlResponse', key: KEY.LoadControlResponse, ...body };
    }
    case KEY.RequestBrake:
      needField('RequestBrake', 'command', V, 1, end);
      return { type: 'RequestBrake', key: KEY.RequestBrake, command: bytes[V], ...common(length - 1) };
    case KEY.BrakeResponse:
      needField('BrakeResponse', 'state', V, 1, end);
      return { type: 'BrakeResponse', key: KEY.BrakeResponse, state: bytes[V], ...common(length - 1) };
    default:
      return undefined;
  }
}
