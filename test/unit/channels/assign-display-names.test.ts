import { describe, expect, it } from 'vitest';
import { assignDisplayNames, type NamedChannel } from '../../../server/channels/assign-display-names.js';

const ch = (providerId: number, providerName: string, name: string, online = true): NamedChannel => ({
  meta: { providerId, providerName, name, displayName: '' },
  online,
});

describe('assignDisplayNames', () => {
  it('keeps unique names plain and prefixes shared ones with the provider name', () => {
    const list = [ch(1, 'Power Core', 'Torque'), ch(1, 'Power Core', 'MAP'), ch(2, 'RT-150', 'Torque')];
    assignDisplayNames(list);
    expect(list.map((c) => c.meta.displayName)).toEqual(['Power Core/Torque', 'MAP', 'RT-150/Torque']);
  });

  it('adds the host id when the providers share their name too', () => {
    const list = [ch(0x10, 'RT-150', 'Force Drum 1'), ch(0x20, 'RT-150', 'Force Drum 1')];
    assignDisplayNames(list);
    expect(list.map((c) => c.meta.displayName)).toEqual([
      'RT-150 (0x0010)/Force Drum 1',
      'RT-150 (0x0020)/Force Drum 1',
    ]);
  });

  it('lets only online providers claim a name (a restart with a new host id keeps plain names)', () => {
    const list = [ch(0x10, 'Power Core', 'Torque', false), ch(0x11, 'Power Core', 'Torque', true)];
    assignDisplayNames(list);
    expect(list.map((c) => c.meta.displayName)).toEqual(['Power Core (0x0010)/Torque', 'Torque']);
  });
});
