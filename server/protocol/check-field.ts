import { FrameEncodeError } from './frame-encode-error.js';

/** True when `value` is an integer in 0..max (u8 255, u16 65535, u32 4294967295). */
export function isUint(value: number, max: number): boolean {
  return Number.isInteger(value) && value >= 0 && value <= max;
}

export function uintError(field: string, value: number, max: number): FrameEncodeError {
  return new FrameEncodeError('VALUE_OUT_OF_RANGE', field, `${field} must be an integer 0..${max}, got ${value}`);
}

/** Throws VALUE_OUT_OF_RANGE unless `value` is an integer in 0..max. */
export function checkUint(field: string, value: number, max: number): void {
  if (!isUint(value, max)) throw uintError(field, value, max);
}

/** float32 fields take any number, NaN and ±Infinity included; only a non-number is refused. */
export function checkFloat(field: string, value: number): void {
  if (typeof value !== 'number') {
    throw new FrameEncodeError('VALUE_OUT_OF_RANGE', field, `${field} must be a number, got ${typeof value}`);
  }
}

export const U8 = 0xff;
export const U16 = 0xffff;
export const U32 = 0xffffffff;
