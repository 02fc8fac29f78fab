import { FrameDecodeError } from './frame-decode-error.js';

/** Throws TRUNCATED_FIELD unless `width` bytes at absolute `offset` lie inside the value, which ends at `valueEnd`. */
export function needField(message: string, field: string, offset: number, width: number, valueEnd: number): void {
  if (offset + width > valueEnd) {
    throw new FrameDecodeError(
      'TRUNCATED_FIELD',
      offset,
      `${message} ${field} at offset ${offset} needs ${width} byte(s), value has ${Math.max(0, valueEnd - offset)} left (value length ${valueEnd - 8})`,
    );
  }
}
