import type { ChannelSelector } from '@jetdrive-hub/client/contract';

// Canonical, order-independent form of a selection. Two viewers whose selections normalize to the same list share
// one stream (one Socket.IO room, one encoded frame per flush).
// Tags: n: exact name, g: glob (lower-cased), q: quantity, p# provider id, p: provider name, k: channel key.

const GLOB_CHARS = /[*?]/;
// Up to 6 hex digits: a replay's providers carry (slot << 16) | host id, slot ≤ 255.
const HEX_ID = /^0x[0-9a-f]{1,6}$/i;

export function normalizeSelector(selector: ChannelSelector): string {
  if (typeof selector === 'string') return GLOB_CHARS.test(selector) ? `g:${selector.toLowerCase()}` : `n:${selector}`;
  if ('name' in selector) return `n:${selector.name}`;
  if ('glob' in selector) return `g:${selector.glob.toLowerCase()}`;
  if ('quantity' in selector) return `q:${selector.quantity}`;
  if ('key' in selector) return `k:${selector.key}`;
  const provider = selector.provider;
  if (typeof provider === 'number') return `p#${provider}`;
  if (HEX_ID.test(provider)) return `p#${Number.parseInt(provider.slice(2), 16)}`;
  return `p:${provider}`;
}

export function normalizeSelectors(selectors: readonly ChannelSelector[]): string[] {
  return [...new Set(selectors.map(normalizeSelector))].sort();
}
