import { nameTokens } from './name-tokens.js';

// What a suggestion needs to know about a channel's siblings, kept per provider as channels come and go: whether
// the provider has a Humidity channel (then it is an atmospheric probe). Asking the registry for every sibling's name
// per suggestion made guessing a provider's channels quadratic (issue 13).

export interface SiblingIndex {
  /** Returns true when the provider's evidence changed (its first humidity channel arrived). */
  add(providerId: number, name: string): boolean;
  /** Returns true when the provider's evidence changed (its last humidity channel left). */
  remove(providerId: number, name: string): boolean;
  /** Whether another channel of the provider (not `name` itself) is a humidity channel. */
  humiditySibling(providerId: number, name: string): boolean;
  clear(): void;
}

const isHumidity = (name: string): boolean => nameTokens(name).includes('humidity');

export function createSiblingIndex(): SiblingIndex {
  const humidity = new Map<number, number>();

  return {
    add(providerId, name) {
      if (!isHumidity(name)) return false;
      const count = (humidity.get(providerId) ?? 0) + 1;
      humidity.set(providerId, count);
      return count === 1;
    },
    remove(providerId, name) {
      if (!isHumidity(name)) return false;
      const count = (humidity.get(providerId) ?? 0) - 1;
      if (count > 0) humidity.set(providerId, count);
      else humidity.delete(providerId);
      return count <= 0;
    },
    humiditySibling(providerId, name) {
      const count = humidity.get(providerId) ?? 0;
      return count - (isHumidity(name) ? 1 : 0) > 0;
    },
    clear: () => humidity.clear(),
  };
}
