// Channel mapping: which quantity each channel measures (rules, suggestions, operator overrides and their store),
// and display units. Used by http (mapping routes, status) and the dashboard.
export {
  type ChannelMapping,
  createChannelMapping,
  type MappingSource,
  type ResolvedChannel,
} from './channel-mapping.js';
export {
  CHANNEL_OVERRIDE_SHAPE,
  type ChannelOverride,
  MAX_CHANNEL_NAME_LENGTH,
  type ProviderOverrides,
  providerOverridesSchema,
} from './channel-override.js';
export {
  chooseDynoChannels,
  type DynoChannels,
  type DynoChoiceChannel,
  type DynoChoiceProvider,
  PULL_QUANTITIES,
  type PullQuantity,
} from './choose-dyno-channels.js';
export { createMappingStore, MappingStoreError, type MappingStoreStatus } from './mapping-store.js';
export { isQuantity, QUANTITIES, type Quantity } from './quantities.js';
export { type SuggestedConfig, suggestedConfig } from './suggested-config.js';
export { type UnitLookup, unitByName, unitChoices } from './unit-by-name.js';
export { displayConversion, toDisplay, type UnitConversion, type UnitSystem } from './unit-conversion.js';
