import type { CatalogEventView, CatalogView } from '@jetdrive-hub/client/contract';

/** The catalog after one `catalog:event` (a channel added/changed/removed or a provider changed), version + 1. */
export function applyCatalogEvent(current: CatalogView, event: CatalogEventView): CatalogView {
  const next: CatalogView = { ...current, version: current.version + 1 };
  if ('channel' in event) {
    const others = current.channels.filter((channel) => channel.key !== event.channel.key);
    next.channels = event.type === 'channel:removed' ? others : [...others, event.channel];
  } else {
    next.providers = [...current.providers.filter((p) => p.hostId !== event.provider.hostId), event.provider];
  }
  return next;
}
