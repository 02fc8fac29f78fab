import type { FrameEncodeErrorCode } from './types.js';

/** The only error encodeFrame and the frame builders throw; `field` names the offending property path. */
export class FrameEncodeError extends Error {
  override readonly name = 'FrameEncodeError';
  readonly code: FrameEncodeErrorCode;
  readonly field: string;

  constructor(code: FrameEncodeErrorCode, field: string, message: string) {
    super(message);
    this.code = code;
    this.field = field;
  }
}
