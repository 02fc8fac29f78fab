import { describe, expect, it } from 'vitest';
import { clientAddress } from '../../../server/auth/client-address.js';
import { ConnectionSlots } from '../../../server/auth/connection-slots.js';

describe('clientAddress', () => {
  it.each([
    ['127.0.0.1', '127.0.0.1'],
    ['::ffff:192.168.1.20', '192.168.1.20'],
    ['2001:db8:1:2:3:4:5:6', '2001:db8:1:2::/64'],
    ['2001:0db8:0001:0002::9', '2001:db8:1:2::/64'],
    ['2001:db8::1', '2001:db8:0:0::/64'],
    ['fe80::1%eth0', 'fe80:0:0:0::/64'],
    ['::1', '0:0:0:0::/64'],
    [undefined, 'unknown'],
  ])('%s counts as %s', (raw, key) => {
    expect(clientAddress(raw)).toBe(key);
  });
});

describe('ConnectionSlots', () => {
  it('caps each address, keeps the reserve for operators, and frees a slot once', () => {
    const slots = new ConnectionSlots({ max: 5, reservedForOperator: 2, perAddress: 2 });
    const a1 = slots.take('a', false);
    const a2 = slots.take('a', false);
    expect(slots.take('a', false)).toMatchObject({ ok: false, code: 'TOO_MANY_FROM_ADDRESS' });
    const b1 = slots.take('b', false);
    // 3 taken: the other 2 are the operator's.
    expect(slots.take('c', false)).toMatchObject({
      ok: false,
      code: 'TOO_MANY_CONNECTIONS',
      message: 'this hub already serves 3 viewers (limit 5, 2 of them kept for the operator); try again later',
    });
    const op1 = slots.take('a', true);
    const op2 = slots.take('a', true);
    expect(slots.take('a', true)).toMatchObject({ ok: false, code: 'TOO_MANY_CONNECTIONS' });
    expect(slots.stats()).toEqual({ connections: 5, operatorConnections: 2, addresses: 2 });
    for (const slot of [a1, a2, b1, op1, op2]) {
      if (!slot.ok) throw new Error('expected a slot');
      slot.release();
      slot.release();
    }
    expect(slots.stats()).toEqual({ connections: 0, operatorConnections: 0, addresses: 0 });
  });

  it('refuses limits that make no sense, naming them', () => {
    expect(() => new ConnectionSlots({ max: 3, reservedForOperator: 3, perAddress: 1 })).toThrow(
      /reservedForOperator: must be at least 0 and below max \(3\), got 3/,
    );
  });
});
