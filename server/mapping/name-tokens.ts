// Channel names compared word by word, never by substring: "Correction Factor" must not match "ect",
// "Humidity" must not match "afr", "Speed" must not match "rpm".

/** Lower-cased words of a name; letters and digits are split ("AFR1" → afr, 1), punctuation separates. */
export function nameTokens(name: string): string[] {
  return name
    .toLowerCase()
    .replace(/([a-z])([0-9])/g, '$1 $2')
    .replace(/([0-9])([a-z])/g, '$1 $2')
    .split(/[^a-z0-9]+/)
    .filter((token) => token.length > 0);
}

/** True when the words of `phrase` appear consecutively in `tokens`. */
export function hasPhrase(tokens: readonly string[], phrase: readonly string[]): boolean {
  outer: for (let start = 0; start + phrase.length <= tokens.length; start++) {
    for (let i = 0; i < phrase.length; i++) {
      if (tokens[start + i] !== phrase[i]) continue outer;
    }
    return true;
  }
  return false;
}

/** Which of a pair the name points at: 1/front/f → 'first', 2/rear/r → 'second', neither → null. */
export function channelPosition(tokens: readonly string[]): 'first' | 'second' | null {
  for (let i = tokens.length - 1; i >= 0; i--) {
    const token = tokens[i];
    if (token === '2' || token === 'rear' || token === 'r') return 'second';
    if (token === '1' || token === 'front' || token === 'f') return 'first';
  }
  return null;
}
