/**
 * The shortest prefix of each id, at least `min` characters, that no other id in the list shares: sessions stay
 * apart in the table even when their first characters match (time-ordered ids often do).
 */
export function uniqueIds(ids: readonly string[], min = 8): Map<string, string> {
  const out = new Map<string, string>();
  for (const id of ids) {
    let length = Math.min(min, id.length);
    while (length < id.length && ids.some((other) => other !== id && other.startsWith(id.slice(0, length)))) length++;
    out.set(id, id.slice(0, length));
  }
  return out;
}
