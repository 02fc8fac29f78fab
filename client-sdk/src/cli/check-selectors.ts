import type { CatalogView, ChannelInfo, ChannelSelector } from '@jetdrive-hub/client/contract';

/**
 * Which of the CLI's selectors match no channel of the catalog, each with the closest channel names (or quantities,
 * or providers). The hub's subscription matching, copied: exact names; a text with `*` or `?` is a glob over the
 * whole name, case-insensitively, every other character literal (`[RPM`, `Power (kW)`), so every selector can be
 * judged here and none waits forever on a stream that can never match.
 */
export function unmatchedSelectors(
  selectors: readonly ChannelSelector[],
  catalog: CatalogView,
): { selector: string; closest: string[] }[] {
  const out: { selector: string; closest: string[] }[] = [];
  for (const selector of selectors) {
    const test = predicate(selector);
    if (test === null || catalog.channels.some(test)) continue;
    out.push({ selector: describe(selector), closest: closest(selector, catalog) });
  }
  return out;
}

export function describe(selector: ChannelSelector): string {
  if (typeof selector === 'string') return selector;
  if ('name' in selector) return selector.name;
  if ('glob' in selector) return selector.glob;
  if ('quantity' in selector) return `quantity:${selector.quantity}`;
  if ('provider' in selector) return `provider:${selector.provider}`;
  if ('key' in selector) return `key:${selector.key}`;
  return JSON.stringify(selector);
}

function names(channel: ChannelInfo): string[] {
  return [channel.name, channel.displayName, channel.key, `${channel.providerName}/${channel.name}`];
}

function predicate(selector: ChannelSelector): ((channel: ChannelInfo) => boolean) | null {
  if (typeof selector === 'object' && 'name' in selector) return (c) => names(c).includes(selector.name);
  if (typeof selector === 'string' || 'glob' in selector) {
    const s = (typeof selector === 'string' ? selector : selector.glob).trim();
    const exact = (c: ChannelInfo) => names(c).includes(s);
    // A `{ glob }` is a glob even without `*` or `?`: then the whole name, in any case.
    if (typeof selector === 'string' && !/[*?]/.test(s)) return exact;
    const pattern = new RegExp(
      `^${s.replace(/[.*+?^${}()|[\]\\]/g, (c) => (c === '*' ? '.*' : c === '?' ? '.' : `\\${c}`))}$`,
      'is',
    );
    return (c) => exact(c) || names(c).some((name) => pattern.test(name));
  }
  if ('quantity' in selector) return (c) => c.quantity === selector.quantity;
  if ('provider' in selector) {
    const p = selector.provider;
    const id = typeof p === 'number' ? p : /^0x[0-9a-f]+$/i.test(p) ? Number.parseInt(p, 16) : null;
    // Provider names match in any case, as on the hub.
    const name = String(p).toLowerCase();
    return (c) => c.providerName.toLowerCase() === name || c.providerId === id;
  }
  if ('key' in selector) return (c) => c.key === selector.key;
  return null;
}

function closest(selector: ChannelSelector, catalog: CatalogView): string[] {
  let candidates: string[];
  let wanted: string;
  if (typeof selector === 'string' || 'name' in selector || 'glob' in selector) {
    candidates = catalog.channels.map((c) => c.displayName);
    wanted = describe(selector).replace(/[*?]/g, '');
  } else if ('quantity' in selector) {
    candidates = catalog.channels.flatMap((c) => (c.quantity ? [`quantity:${c.quantity}`] : []));
    wanted = `quantity:${selector.quantity}`;
  } else if ('provider' in selector) {
    candidates = catalog.providers.map((p) => `provider:${p.name}`);
    wanted = `provider:${selector.provider}`;
  } else {
    candidates = catalog.channels.map((c) => `key:${c.key}`);
    wanted = describe(selector);
  }
  const unique = [...new Set(candidates)];
  const w = wanted.toLowerCase();
  return unique
    .map((name) => ({ name, d: distance(w, name.toLowerCase()) - (name.toLowerCase().includes(w) ? w.length : 0) }))
    .sort((a, b) => a.d - b.d || a.name.localeCompare(b.name))
    .slice(0, 3)
    .map((entry) => entry.name);
}

/** Levenshtein distance. */
function distance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = row;
  }
  return previous[b.length];
}
