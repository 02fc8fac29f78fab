import { hostHex } from '../jetdrive/pick-host-id.js';
import type { ChannelMeta } from './types.js';

export interface NamedChannel {
  meta: Pick<ChannelMeta, 'providerId' | 'providerName' | 'name' | 'displayName'>;
  /** Whether the channel's provider is online. */
  online: boolean;
}

/**
 * Sets each channel's displayName: its name, or "<provider name>/<name>" when an online provider other than its
 * own has a channel of that name; "<provider name> (0x43FD)/<name>" when that provider also has the same name
 * (two units of one model). Offline providers do not claim names: after a restart with a new host id, the new
 * provider's channels keep their plain names while the old provider times out.
 */
export function assignDisplayNames(channels: Iterable<NamedChannel>): void {
  const byName = new Map<string, NamedChannel[]>();
  for (const c of channels) {
    const list = byName.get(c.meta.name);
    if (list) list.push(c);
    else byName.set(c.meta.name, [c]);
  }
  for (const list of byName.values()) {
    const onlineProviders = new Set(list.filter((c) => c.online).map((c) => c.meta.providerId));
    for (const { meta: m } of list) {
      const others = [...onlineProviders].filter((id) => id !== m.providerId);
      if (others.length === 0) {
        m.displayName = m.name;
        continue;
      }
      const sameProviderName = list.some(
        (c) => c.meta.providerId !== m.providerId && c.meta.providerName === m.providerName,
      );
      m.displayName = sameProviderName
        ? `${m.providerName} (${hostHex(m.providerId)})/${m.name}`
        : `${m.providerName}/${m.name}`;
    }
  }
}
