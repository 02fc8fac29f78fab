// lz4js ships no types; the one function used here (LZ4 frame format, which MCAP's "lz4" compression is).
declare module 'lz4js' {
  export function compress(data: Uint8Array): Uint8Array;
}
