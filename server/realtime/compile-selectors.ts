import type { ChannelMeta, QuantityResolver } from '../channels/types.js';

export type ChannelMatcher = (channel: ChannelMeta) => boolean;

/**
 * Glob over a whole name: `*` any run, `?` one character, everything else literal, case-insensitive (pass the
 * pattern lower-cased). Iterative matching with one backtrack point: O(pattern × text) at worst, so a hostile
 * pattern like `*a*a*a…` cannot stall the event loop the way a backtracking RegExp could.
 */
export function globMatch(pattern: string, text: string): boolean {
  const subject = text.toLowerCase();
  let p = 0;
  let t = 0;
  let star = -1;
  let resume = 0;
  while (t < subject.length) {
    if (p < pattern.length && (pattern[p] === '?' || pattern[p] === subject[t])) {
      p++;
      t++;
    } else if (p < pattern.length && pattern[p] === '*') {
      star = p++;
      resume = t;
    } else if (star >= 0) {
      p = star + 1;
      t = ++resume;
    } else {
      return false;
    }
  }
  while (p < pattern.length && pattern[p] === '*') p++;
  return p === pattern.length;
}

function qualifiedName(channel: ChannelMeta): string {
  return `${channel.providerName}/${channel.name}`;
}

/** Builds one predicate from normalized selectors (see normalizeSelectors); any selector matching is a match. */
export function compileSelectors(normalized: readonly string[], quantities?: QuantityResolver): ChannelMatcher {
  const names = new Set<string>();
  const keys = new Set<string>();
  const providerIds = new Set<number>();
  const providerNames = new Set<string>();
  const quantitySet = new Set<string>();
  const globs: string[] = [];
  for (const item of normalized) {
    if (item.startsWith('p#')) {
      providerIds.add(Number(item.slice(2)));
      continue;
    }
    const value = item.slice(2);
    switch (item.slice(0, 2)) {
      case 'n:':
        names.add(value);
        break;
      case 'g:':
        globs.push(value.toLowerCase());
        break;
      case 'q:':
        quantitySet.add(value);
        break;
      case 'k:':
        keys.add(value);
        break;
      case 'p:':
        providerNames.add(value.toLowerCase());
        break;
    }
  }
  return (channel) => {
    if (keys.has(channel.key) || providerIds.has(channel.providerId)) return true;
    if (providerNames.size > 0 && providerNames.has(channel.providerName.toLowerCase())) return true;
    if (
      names.size > 0 &&
      (names.has(channel.name) || names.has(channel.displayName) || names.has(qualifiedName(channel)))
    ) {
      return true;
    }
    if (globs.length > 0) {
      const qualified = qualifiedName(channel);
      for (const glob of globs) {
        if (globMatch(glob, channel.name) || globMatch(glob, channel.displayName) || globMatch(glob, qualified)) {
          return true;
        }
      }
    }
    if (quantitySet.size > 0 && quantities) {
      const quantity = quantities.quantityOf(channel);
      if (quantity !== null && quantitySet.has(quantity)) return true;
    }
    return false;
  };
}

export function usesQuantities(normalized: readonly string[]): boolean {
  return normalized.some((item) => item.startsWith('q:'));
}
