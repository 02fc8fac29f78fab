// fatal:false replaces invalid sequences with U+FFFD instead of throwing; ignoreBOM keeps a leading U+FEFF so a
// name that starts with one still round-trips byte for byte.
const decoder = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });

/**
 * Reads a NUL-padded UTF-8 field of `size` bytes at `offset` (the caller has checked it fits).
 * The string ends at the first NUL; anything after it is padding and ignored.
 */
export function readFixedString(bytes: Uint8Array, offset: number, size: number): string {
  const end = offset + size;
  let stop = offset;
  while (stop < end && bytes[stop] !== 0) stop++;
  if (stop === offset) return '';
  return decoder.decode(bytes.subarray(offset, stop));
}
