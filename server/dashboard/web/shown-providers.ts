import type { ProviderView } from './parse-status.js';

// Providers in the header: online ones as they are, offline ones greyed and marked "offline", and an offline one
// leaves the header once it has been offline for `hideAfterMs` (a simulator that stopped, a laptop that left).

export const HIDE_OFFLINE_AFTER_MS = 60_000;

/**
 * The providers to show now. `offlineSince` (by host) remembers when each was first seen offline; it is updated in
 * place and forgets hosts that came back or left the list.
 */
export function shownProviders(
  list: readonly ProviderView[],
  offlineSince: Map<string, number>,
  now: number,
  hideAfterMs = HIDE_OFFLINE_AFTER_MS,
): ProviderView[] {
  const keys = new Set<string>();
  const shown: ProviderView[] = [];
  for (const p of list) {
    const key = p.hostHex || p.name;
    keys.add(key);
    if (p.online) {
      offlineSince.delete(key);
      shown.push(p);
      continue;
    }
    const since = offlineSince.get(key) ?? now;
    offlineSince.set(key, since);
    if (now - since < hideAfterMs) shown.push(p);
  }
  for (const key of [...offlineSince.keys()]) if (!keys.has(key)) offlineSince.delete(key);
  return shown;
}
