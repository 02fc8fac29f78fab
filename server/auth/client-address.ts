import { isIPv6 } from 'node:net';

/**
 * The key that per-address limits count by. IPv4 (also when mapped into IPv6) is the address itself; IPv6 is its
 * /64, because one host is routinely given a whole /64 and could otherwise take a fresh address per connection.
 * Unknown (a socket already gone) maps to one shared key, which only ever makes limits stricter.
 */
export function clientAddress(raw: string | undefined): string {
  if (raw === undefined || raw.length === 0) return 'unknown';
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(raw);
  if (mapped) return mapped[1];
  if (!isIPv6(raw)) return raw;
  return `${expandIPv6(raw).slice(0, 4).join(':')}::/64`;
}

/** The eight 16-bit groups of an IPv6 address, without leading zeros ("::" expanded, a zone id dropped). */
function expandIPv6(address: string): string[] {
  const [head, tail = null] = address.split('%')[0].split('::');
  const left = head.length > 0 ? head.split(':') : [];
  const right = tail === null ? [] : tail.length > 0 ? tail.split(':') : [];
  const zeros = Array.from({ length: Math.max(0, 8 - left.length - right.length) }, () => '0');
  return [...left, ...(tail === null ? [] : zeros), ...right].map((group) =>
    group.replace(/^0+(?=.)/, '').toLowerCase(),
  );
}
