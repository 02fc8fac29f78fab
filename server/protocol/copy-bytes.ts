/**
 * A plain Uint8Array copy: echo data and unknown values outlive the datagram, whose pooled buffer the socket reuses.
 * (Buffer#slice would return a view into the pool, hence not `bytes.slice`.)
 */
export function copyBytes(bytes: Uint8Array, start: number, end: number): Uint8Array {
  return new Uint8Array(bytes.subarray(start, end));
}
