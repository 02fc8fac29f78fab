import { ALL_HOSTS } from '../protocol/types.js';

/**
 * What a frame's host and destination mean for us: `fromAllHosts` (host 0xFFFF: invalid, ignored), `collision`
 * (another node uses our id as host and destination), `ownMessages`, `notForUs`, `claim` (host 0: a node claiming an
 * id) or `provider` (a frame from a provider, for us).
 */
export type AddressVerdict = 'fromAllHosts' | 'collision' | 'ownMessages' | 'notForUs' | 'claim' | 'provider';

/** Pure: `ourId` null before a claim (or passive); `claiming` while our claim listens. */
export function addressVerdict(
  host: number,
  destination: number,
  ourId: number | null,
  claiming: boolean,
): AddressVerdict {
  if (host === ALL_HOSTS) return 'fromAllHosts';
  if (ourId !== null && host === ourId) return destination === ourId ? 'collision' : 'ownMessages';
  const forUs =
    destination === ALL_HOSTS || (ourId !== null && destination === ourId) || (claiming && destination === 0);
  if (!forUs) return 'notForUs';
  return host === 0 ? 'claim' : 'provider';
}
