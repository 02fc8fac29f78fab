const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });

/**
 * UTF-8 bytes of `text` as a fixed-size JetDrive field holds them: cut at the first U+0000 (a NUL ends the field
 * on decode, so nothing after it could survive), then cut to `maxBytes` on a character boundary.
 */
export function fieldBytes(text: string, maxBytes: number): Uint8Array {
  const nul = text.indexOf('\0');
  const bytes = encoder.encode(nul === -1 ? text : text.slice(0, nul));
  if (bytes.length <= maxBytes) return bytes;
  let cut = maxBytes;
  // Back off over continuation bytes (10xxxxxx) so the cut never splits a character.
  while (cut > 0 && (bytes[cut] & 0xc0) === 0x80) cut--;
  return bytes.subarray(0, cut);
}

/** `text` as it will decode after travelling in a `maxBytes` field (see fieldBytes). */
export function truncateUtf8(text: string, maxBytes: number): string {
  const bytes = fieldBytes(text, maxBytes);
  return bytes.length === 0 ? '' : decoder.decode(bytes);
}
