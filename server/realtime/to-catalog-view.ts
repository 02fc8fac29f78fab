import type { CatalogChannel, CatalogEventView, CatalogProvider, CatalogView } from '@jetdrive-hub/client/contract';
import type {
  CatalogEvent,
  CatalogSnapshot,
  ChannelMeta,
  ProviderSnapshot,
  QuantityResolver,
} from '../channels/types.js';

// The wire view of the catalog: what dashboards need, not the registry's internal counters.

/** The labels of a channel every wire view shows (catalog entries, stream channels). */
export function channelLabels(channel: ChannelMeta, quantities?: QuantityResolver) {
  return {
    key: channel.key,
    providerId: channel.providerId,
    providerName: channel.providerName,
    channelId: channel.channelId,
    name: channel.name,
    displayName: channel.displayName,
    unit: channel.unitLabel,
    unitCode: channel.unit,
    quantity: quantities?.quantityOf(channel) ?? null,
  };
}

export function toCatalogChannel(channel: ChannelMeta, quantities?: QuantityResolver): CatalogChannel {
  return {
    ...channelLabels(channel, quantities),
    provisional: channel.provisional,
    lastValue: channel.lastValue,
    lastTime: channel.lastTime,
    rateHz: channel.rateHz,
  };
}

export function toCatalogProvider(provider: ProviderSnapshot): CatalogProvider {
  return {
    hostId: provider.hostId,
    hostHex: provider.hostHex,
    name: provider.name,
    address: provider.address,
    online: provider.online,
    incompatible: provider.incompatible,
    channelCount: provider.channelCount,
    ...(provider.conflicts ? { conflicts: { ...provider.conflicts } } : {}),
  };
}

export function toCatalogView(snapshot: CatalogSnapshot, quantities?: QuantityResolver): CatalogView {
  return {
    version: snapshot.version,
    providers: snapshot.providers.map(toCatalogProvider),
    channels: snapshot.channels.map((channel) => toCatalogChannel(channel, quantities)),
  };
}

export function toCatalogEventView(event: CatalogEvent, quantities?: QuantityResolver): CatalogEventView {
  switch (event.type) {
    case 'channel:added':
    case 'channel:removed':
      return { type: event.type, channel: toCatalogChannel(event.channel, quantities) };
    case 'channel:renamed':
      return {
        type: event.type,
        channel: toCatalogChannel(event.channel, quantities),
        previousName: event.previousName,
      };
    default:
      return { type: event.type, provider: toCatalogProvider(event.provider) };
  }
}
