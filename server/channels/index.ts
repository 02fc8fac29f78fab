export { type ChannelPredicate, compileSelector } from './compile-selector.js';
export {
  type ChannelRegistryDeps,
  type ChannelRegistryHandle,
  createChannelRegistry,
  type MappingSummary,
} from './create-channel-registry.js';
export { createDefaultQuantityResolver, defaultQuantityOf } from './create-default-quantity-resolver.js';
export { DEFAULT_REGISTRY_OPTIONS, type RegistryOptions } from './default-registry-options.js';
export type {
  CatalogEvent,
  CatalogSnapshot,
  ChannelKey,
  ChannelMeta,
  ChannelRegistry,
  ChannelSelector,
  IngestStats,
  ProviderSnapshot,
  QuantityResolver,
  Sample,
  SampleBatch,
  SequenceCounters,
} from './types.js';
