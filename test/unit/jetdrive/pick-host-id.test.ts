import { describe, expect, it } from 'vitest';
import { hostHex, pickHostId } from '../../../server/jetdrive/pick-host-id.js';

describe('pickHostId', () => {
  it('stays within 1..0xFFFE for the extremes of the random source', () => {
    expect(pickHostId(new Set(), () => 0)).toBe(1);
    expect(pickHostId(new Set(), () => 0.999999999)).toBe(0xfffe);
  });

  it('skips taken ids', () => {
    const taken = new Set([1, 2, 3]);
    expect(pickHostId(taken, () => 0)).toBe(4);
    const random = [0, 0, 0.5];
    expect(pickHostId(new Set([1]), () => random.shift() ?? 0.5)).toBe(1 + Math.floor(0.5 * 0xfffe));
  });

  it('throws when every id is taken', () => {
    const all = new Set<number>();
    for (let i = 1; i <= 0xfffe; i++) all.add(i);
    expect(() => pickHostId(all)).toThrow(/all 65534 ids are taken/);
  });

  it('formats ids as 0x-prefixed upper-case hex', () => {
    expect(hostHex(0x43fd)).toBe('0x43FD');
    expect(hostHex(7)).toBe('0x0007');
  });
});
