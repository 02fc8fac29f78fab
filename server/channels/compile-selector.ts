import picomatch from 'picomatch';
import { SelectorError } from './selector-error.js';
import type { ChannelMeta, ChannelSelector } from './types.js';

export type ChannelPredicate = (channel: ChannelMeta) => boolean;

/**
 * A selector as a predicate. A string matches the channel name, display name, "Provider/Channel" or the key
 * ("4660:7") exactly; if it is a glob, it also matches any of those names case-insensitively, with `*` crossing
 * "/" (channel names such as "Air/Fuel Ratio 1" contain slashes). A glob picomatch cannot compile throws a
 * SelectorError (INVALID_SELECTOR); whoever asked for the channels gets it as their error.
 */
export function compileSelector(selector: ChannelSelector): ChannelPredicate {
  if (typeof selector === 'function') return selector;
  const s = selector.trim();
  const exact: ChannelPredicate = (m) =>
    m.name === s || m.displayName === s || m.key === s || `${m.providerName}/${m.name}` === s;
  if (!picomatch.scan(s).isGlob) return exact;
  let isMatch: (name: string) => boolean;
  try {
    isMatch = picomatch(s, { bash: true, nocase: true, dot: true });
  } catch (error) {
    throw new SelectorError(s, error);
  }
  return (m) => exact(m) || isMatch(m.name) || isMatch(m.displayName) || isMatch(`${m.providerName}/${m.name}`);
}
