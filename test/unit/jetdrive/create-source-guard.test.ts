import { describe, expect, it } from 'vitest';
import { createSourceGuard, type GuardedSource } from '../../../server/jetdrive/create-source-guard.js';

const owner = { address: '10.0.0.5', port: 22344 };
const rogue = { address: '10.0.0.66', port: 22344 };

describe('createSourceGuard', () => {
  it('drops frames from another address while the owner is active, and reports once per period', () => {
    const g = createSourceGuard({ policy: 'drop', moveAfterMs: 5000, reportIntervalMs: 1000 });
    const p: GuardedSource = { ...owner, lastSeen: 0 };
    expect(g.check(p, owner, 10)).toBe('ok');
    expect(g.check(p, rogue, 20)).toEqual({ conflict: 'dropped', report: true });
    expect(g.check(p, rogue, 30)).toEqual({ conflict: 'dropped', report: false });
    expect(g.check(p, rogue, 1100)).toEqual({ conflict: 'dropped', report: true });
    expect(p.conflicts).toEqual({ count: 3, owner: '10.0.0.5:22344', lastAddress: '10.0.0.66:22344', lastAt: 1100 });
    expect(p.address).toBe(owner.address);
  });

  it('flags without dropping under policy flag, and lets a silent owner move', () => {
    const g = createSourceGuard({ policy: 'flag', moveAfterMs: 5000, reportIntervalMs: 1000 });
    const p: GuardedSource = { ...owner, lastSeen: 0 };
    expect(g.check(p, { ...owner, port: 5000 }, 10)).toEqual({ conflict: 'flagged', report: true });
    expect(g.check(p, rogue, 5000)).toBe('moved');
    expect(p).toMatchObject(rogue);
  });
});
