import type { CatalogSnapshot, ChannelMeta } from '../channels/types.js';
import type { ChannelMapping } from '../mapping/channel-mapping.js';
import { HttpError } from './http-error.js';

// Overrides are stored by provider name and channel name (host ids change at every start, names do not), but the
// rest of the API prints more forms than names: provider_id (17405) and provider_id_hex ("0x43FD"), channel `id`
// (12), `key` ("17405:12"), `display_name` and "Provider/Channel". The mapping routes take every one of them and
// turn it into the names the store keeps. Names win: a channel really called "12" is that channel.

const HEX_ID = /^0x[0-9a-f]{1,4}$/i;
const DECIMAL_ID = /^\d{1,5}$/;
const KEY = /^(0x[0-9a-f]{1,4}|\d{1,5}):(0x[0-9a-f]{1,4}|\d{1,5})$/i;

/** "0x43FD", "0x43fd" or "17405" as a number; null for anything else. */
function idOf(text: string): number | null {
  if (HEX_ID.test(text)) return Number.parseInt(text.slice(2), 16);
  if (DECIMAL_ID.test(text)) return Number(text);
  return null;
}

/** Does this text look like an id or key rather than a name? */
export function isIdForm(text: string): boolean {
  return HEX_ID.test(text) || DECIMAL_ID.test(text) || KEY.test(text);
}

/**
 * The provider name a `:provider` path segment means: a provider's name (seen or with overrides), else a host id in
 * hex or decimal of a provider in the catalog. An id no provider has is refused (it would otherwise create overrides
 * for a provider literally named "0x43FD"); an unknown plain name is returned as is (a shop may configure a probe
 * before plugging it in) and the route decides.
 */
export function resolveProviderRef(
  ref: string,
  catalog: CatalogSnapshot,
  mapping: ChannelMapping,
  field = 'params.provider',
): string {
  if (catalog.providers.some((provider) => provider.name === ref)) return ref;
  if (mapping.providersWithOverrides().includes(ref)) return ref;
  const id = idOf(ref);
  if (id === null) return ref;
  const names = new Set(catalog.providers.filter((provider) => provider.hostId === id).map((p) => p.name));
  if (names.size === 1) return [...names][0] as string;
  const known = catalog.providers.map((provider) => `${provider.name} (${provider.hostHex})`).join(', ') || 'none';
  throw new HttpError(
    'PROVIDER_NOT_FOUND',
    `${field}: no provider has host id ${ref}; the providers seen are: ${known}`,
    { field },
  );
}

/** The channels of one provider (every host id it used) the catalog knows. */
export function channelsOfProvider(catalog: CatalogSnapshot, provider: string): ChannelMeta[] {
  return catalog.channels.filter((channel) => channel.providerName === provider);
}

function matchChannels(ref: string, provider: string, channels: readonly ChannelMeta[], mapping: ChannelMapping) {
  const byName = channels.filter((channel) => channel.name === ref);
  if (byName.length > 0) return byName;
  const byDisplay = channels.filter(
    (channel) =>
      channel.displayName === ref ||
      `${provider}/${channel.name}` === ref ||
      mapping.resolve(channel).displayName === ref,
  );
  if (byDisplay.length > 0) return byDisplay;
  const key = KEY.exec(ref);
  if (key) {
    const [hostId, channelId] = [idOf(key[1] as string), idOf(key[2] as string)];
    return channels.filter((channel) => channel.providerId === hostId && channel.channelId === channelId);
  }
  const id = idOf(ref);
  return id === null ? [] : channels.filter((channel) => channel.channelId === id);
}

export interface ChannelRefResult {
  /** The channel name the override is stored under. */
  name: string;
  /** False when no channel of the provider matched and the name was taken as given (see resolveChannelRef). */
  verified: boolean;
}

/**
 * The channel name a reference means, within one provider. When the catalog knows channels of the provider, a
 * reference that matches none of them is refused with 404 CHANNEL_NOT_FOUND naming it — unless it is the name of an
 * override already stored (a channel that has gone, still listed so a GET-edit-PUT round trip keeps it). When the
 * catalog knows none (the provider is not on the network yet), a name is taken as given and flagged unverified; an id
 * or key cannot be resolved then and is refused.
 */
export function resolveChannelRef(
  ref: string,
  provider: string,
  catalog: CatalogSnapshot,
  mapping: ChannelMapping,
  field: string,
): ChannelRefResult {
  const channels = channelsOfProvider(catalog, provider);
  const names = [...new Set(matchChannels(ref, provider, channels, mapping).map((channel) => channel.name))];
  if (names.length === 1) return { name: names[0] as string, verified: true };
  if (names.length > 1) {
    throw new HttpError('VALIDATION_FAILED', `${field}: "${ref}" matches channels ${names.join(', ')}; use a name`, {
      field,
    });
  }
  if (Object.hasOwn(mapping.overrides(provider), ref)) return { name: ref, verified: false };
  if (channels.length === 0 && !isIdForm(ref)) return { name: ref, verified: false };
  const listed = [...new Set(channels.map((channel) => channel.name))];
  const shown = listed.slice(0, 20).join(', ') + (listed.length > 20 ? `, … (${listed.length} in all)` : '');
  const reason =
    channels.length === 0
      ? `provider "${provider}" has no channels on the network now, so the id cannot be resolved; use the channel name`
      : `provider "${provider}" has no channel "${ref}" (by name, display name, id, hex id or key); its channels: ${shown}`;
  throw new HttpError('CHANNEL_NOT_FOUND', `${field}: ${reason}`, { field });
}
