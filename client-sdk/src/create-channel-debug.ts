import type { CatalogChannel } from '@jetdrive-hub/client/contract';
import type { HubLogger, HubSample } from './hub-types.js';

// The channel debugging the older dashboard hook had (names every 100 polls, unmapped warnings, mapping summary),
// driven by pushed batches instead of polls.

export const DEBUG_BATCH_INTERVAL = 100;

export interface ChannelDebug {
  onBatch(samples: readonly HubSample[]): void;
  onCatalog(channels: readonly CatalogChannel[]): void;
}

function knownNames(config: Iterable<string> | Record<string, unknown> | undefined): Set<string> | null {
  if (config === undefined) return null;
  if (typeof (config as Iterable<string>)[Symbol.iterator] === 'function') return new Set(config as Iterable<string>);
  return new Set(Object.keys(config));
}

export function createChannelDebug(
  logger: HubLogger,
  channelConfig: Iterable<string> | Record<string, unknown> | undefined,
): ChannelDebug {
  const known = knownNames(channelConfig);
  const warned = new Set<string>();
  let batches = 0;

  function isKnown(name: string, displayName: string): boolean {
    return known === null || known.has(name) || known.has(displayName);
  }

  return {
    onBatch(samples) {
      if (samples.length === 0) return;
      const names: string[] = [];
      const unmapped: string[] = [];
      for (const sample of samples) {
        if (names.includes(sample.channel)) continue;
        names.push(sample.channel);
        if (!isKnown(sample.name, sample.channel) && !warned.has(sample.channel)) {
          warned.add(sample.channel);
          unmapped.push(sample.channel);
        }
      }
      if (batches % DEBUG_BATCH_INTERVAL === 0) {
        logger.debug(`[jetdrive-hub] channels in batch ${batches + 1}: ${names.join(', ')}`);
      }
      batches++;
      if (unmapped.length > 0) {
        logger.warn(`[jetdrive-hub] unmapped channels (not in the app's channel config): ${unmapped.join(', ')}`);
      }
    },
    onCatalog(channels) {
      const mapped: string[] = [];
      const unmapped: string[] = [];
      for (const channel of channels) {
        (isKnown(channel.name, channel.displayName) ? mapped : unmapped).push(channel.displayName);
      }
      logger.debug(
        `[jetdrive-hub] mapping: ${mapped.length} mapped, ${unmapped.length} unmapped of ${channels.length} channels` +
          (unmapped.length > 0 ? ` (unmapped: ${unmapped.join(', ')})` : ''),
      );
    },
  };
}
