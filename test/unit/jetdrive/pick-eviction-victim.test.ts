import { describe, expect, it } from 'vitest';
import { type EvictionCandidate, pickEvictionVictim } from '../../../server/jetdrive/pick-eviction-victim.js';

const p = (hostId: number, fields: Partial<EvictionCandidate>): EvictionCandidate => ({
  hostId,
  online: true,
  lastSeen: 0,
  valueMessages: 0,
  named: false,
  ...fields,
});

describe('pickEvictionVictim', () => {
  it('takes offline before online, then the least valuable, then the least recently active', () => {
    const dyno = p(1, { valueMessages: 10, named: true, lastSeen: 1 });
    const pinger = p(2, { lastSeen: 50 });
    const valuesOnly = p(3, { valueMessages: 5, lastSeen: 10 });
    const oldPinger = p(4, { lastSeen: 20 });
    expect(pickEvictionVictim([dyno, pinger, valuesOnly, oldPinger])?.hostId).toBe(4);
    expect(pickEvictionVictim([dyno, valuesOnly])?.hostId).toBe(3);
    const offlineDyno = p(5, { valueMessages: 10, named: true, online: false, lastSeen: 90 });
    expect(pickEvictionVictim([dyno, pinger, offlineDyno])?.hostId).toBe(5);
  });

  it('never evicts an online provider with named channels and values', () => {
    expect(pickEvictionVictim([p(1, { valueMessages: 1, named: true })])).toBeNull();
  });
});
