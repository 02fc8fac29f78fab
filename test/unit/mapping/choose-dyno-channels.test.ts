import { describe, expect, it } from 'vitest';
import { chooseDynoChannels } from '../../../server/mapping/choose-dyno-channels.js';

const dyno = { hostId: 1, name: 'Power Core', online: true };
const rogue = { hostId: 2, name: 'Rogue', online: true };
const ch = (providerId: number, id: number, quantity: string | null) => ({ key: `${providerId}:${id}`, providerId, quantity });

describe('chooseDynoChannels', () => {
  it('keeps the first-seen dyno when a newcomer announces the same quantities', () => {
    const channels = [ch(1, 1, 'rpm'), ch(1, 4, 'power'), ch(1, 5, 'torque'), ch(1, 12, 'tps'), ch(2, 1, 'power')];
    expect(chooseDynoChannels([dyno, rogue], channels)).toEqual({
      providerId: 1,
      providerName: 'Power Core',
      channels: { rpm: '1:1', power: '1:4', torque: '1:5', tps: '1:12' },
    });
    const all = [...channels, ch(2, 2, 'rpm'), ch(2, 3, 'torque')];
    expect(chooseDynoChannels([dyno, rogue], all)?.providerId).toBe(1);
  });

  it('prefers an online provider, and more pull quantities over fewer', () => {
    const channels = [ch(1, 4, 'power'), ch(2, 1, 'power'), ch(2, 2, 'rpm')];
    expect(chooseDynoChannels([dyno, rogue], channels)?.providerId).toBe(2);
    expect(chooseDynoChannels([{ ...rogue, online: false }, dyno], channels)?.providerId).toBe(1);
    expect(chooseDynoChannels([dyno], [ch(1, 12, 'tps'), ch(1, 9, null)])).toBeNull();
  });
});
