import type { FrameErrorCode } from './types.js';

/**
 * The only error decodeFrame throws. `offset` is the absolute byte offset in the datagram of the field at fault
 * (the length field for LENGTH_MISMATCH, the first field that does not fit for TOO_SHORT / TRUNCATED_FIELD).
 */
export class FrameDecodeError extends Error {
  override readonly name = 'FrameDecodeError';
  readonly code: FrameErrorCode;
  readonly offset: number;

  constructor(code: FrameErrorCode, offset: number, message: string) {
    super(message);
    this.code = code;
    this.offset = offset;
  }
}
