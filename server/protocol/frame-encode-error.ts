import { CodedError, type StatusTable } from '../errors/coded-error.js';
import type { FrameEncodeErrorCode } from './types.js';

/** A value that cannot be encoded came from the caller: 400 if one ever reaches an HTTP answer. */
export const FRAME_ENCODE_STATUS: StatusTable<FrameEncodeErrorCode> = Object.freeze({
  VALUE_OUT_OF_RANGE: 400,
  VALUE_TOO_LONG: 400,
  KNOWN_KEY_AS_UNKNOWN: 400,
});

/** The only error encodeFrame and the frame builders throw; `field` names the offending property path. */
export class FrameEncodeError extends CodedError<FrameEncodeErrorCode> {
  declare readonly field: string;

  constructor(code: FrameEncodeErrorCode, field: string, message: string) {
    super(code, FRAME_ENCODE_STATUS[code], message, { field });
  }
}
