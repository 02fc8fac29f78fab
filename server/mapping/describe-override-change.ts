import type { ChannelOverride, ProviderOverrides } from './channel-override.js';

/** How many changed channels one log line names; the rest are counted. */
const CHANNELS_PER_LINE = 10;

function overrideText(o: ChannelOverride): string {
  const parts: string[] = [];
  if (o.quantity !== undefined) parts.push(`quantity ${o.quantity ?? 'none'}`);
  if (o.unit !== undefined) parts.push(`unit ${o.unit}`);
  if (o.display_name !== undefined) parts.push(`shown as ${JSON.stringify(o.display_name)}`);
  if (o.hidden !== undefined) parts.push(o.hidden ? 'hidden' : 'shown');
  return parts.length > 0 ? parts.join(', ') : 'no change';
}

const same = (a: ChannelOverride, b: ChannelOverride) => overrideText(a) === overrideText(b);

/**
 * What a mapping write changed, for the log: `"Power Core": "Digital RPM 1" → quantity rpm; "AFR 1" override removed`.
 * Null when nothing changed.
 */
export function describeOverrideChange(
  provider: string,
  before: ProviderOverrides | undefined,
  after: ProviderOverrides | undefined,
): string | null {
  const changes: string[] = [];
  const names = new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})]);
  for (const name of names) {
    const was = before && Object.hasOwn(before, name) ? before[name] : undefined;
    const now = after && Object.hasOwn(after, name) ? after[name] : undefined;
    if (now === undefined) changes.push(`${JSON.stringify(name)} override removed`);
    else if (was === undefined || !same(was, now)) changes.push(`${JSON.stringify(name)} → ${overrideText(now)}`);
  }
  if (changes.length === 0) return null;
  const shown = changes.slice(0, CHANNELS_PER_LINE);
  const more = changes.length > shown.length ? `; and ${changes.length - shown.length} more` : '';
  return `mapping of ${JSON.stringify(provider)}: ${shown.join('; ')}${more}`;
}
