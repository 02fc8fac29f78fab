/**
 * How many ms the provider timestamp `ts` is behind `lastTs` (both u32 provider clock ms), or 0 when it is not
 * behind (equal, newer, or newer across the 2^32 wrap). Distances of half the u32 range or more count as newer.
 */
export function msBehind(lastTs: number, ts: number): number {
  const behind = (lastTs - ts) >>> 0;
  return behind < 0x8000_0000 ? behind : 0;
}
