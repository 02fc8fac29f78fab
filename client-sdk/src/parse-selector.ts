import type { ChannelSelector } from '@jetdrive-hub/client/contract';

/**
 * Text form of a selector for CLIs and config files: `quantity:rpm` (or `q:rpm`), `provider:Power Core`
 * (or `provider:0x43FD`), `key:17405:42`; anything else is a name, "Provider/Channel" or glob.
 */
export function parseSelector(text: string): ChannelSelector {
  const trimmed = text.trim();
  const colon = trimmed.indexOf(':');
  if (colon > 0) {
    const prefix = trimmed.slice(0, colon).toLowerCase();
    const rest = trimmed.slice(colon + 1).trim();
    if (rest.length > 0) {
      if (prefix === 'quantity' || prefix === 'q') return { quantity: rest };
      if (prefix === 'provider' || prefix === 'p') return { provider: /^\d+$/.test(rest) ? Number(rest) : rest };
      if (prefix === 'key') return { key: rest };
    }
  }
  return trimmed;
}
