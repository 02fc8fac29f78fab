/** "30s", "500ms", "2m", "1.5h" or a bare number of seconds -> milliseconds; throws naming the bad text. */
export function parseDuration(text: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*$/i.exec(text);
  if (!match) throw new Error(`duration "${text}": expected a number with ms, s, m or h (e.g. 30s)`);
  const value = Number(match[1]);
  const unit = (match[2] ?? 's').toLowerCase();
  const factor = unit === 'ms' ? 1 : unit === 's' ? 1_000 : unit === 'm' ? 60_000 : 3_600_000;
  return value * factor;
}
