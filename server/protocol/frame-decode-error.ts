import { CodedError, type StatusTable } from '../errors/coded-error.js';
import type { FrameErrorCode } from './types.js';

/** A datagram that does not decode is the sender's fault: 400 if one ever reaches an HTTP answer. */
export const FRAME_DECODE_STATUS: StatusTable<FrameErrorCode> = Object.freeze({
  TOO_SHORT: 400,
  LENGTH_MISMATCH: 400,
  TRUNCATED_FIELD: 400,
  BAD_CHANNEL_INFO_LENGTH: 400,
});

/**
 * The only error decodeFrame throws. `offset` is the absolute byte offset in the datagram of the field at fault
 * (the length field for LENGTH_MISMATCH, the first field that does not fit for TOO_SHORT / TRUNCATED_FIELD).
 */
export class FrameDecodeError extends CodedError<FrameErrorCode> {
  readonly offset: number;

  constructor(code: FrameErrorCode, offset: number, message: string) {
    super(code, FRAME_DECODE_STATUS[code], message);
    this.offset = offset;
  }
}
