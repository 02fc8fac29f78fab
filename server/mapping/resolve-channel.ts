import type { ChannelMeta } from '../channels/types.js';
import { UNIT_LABELS } from '../protocol/types.js';
import type { ChannelOverride } from './channel-override.js';
import type { MappingState } from './create-mapping-counts.js';
import type { Quantity } from './quantities.js';
import type { QuantitySuggestion } from './suggest-quantity.js';

export type MappingSource = 'auto' | 'override' | 'hidden';

export interface ResolvedChannel {
  key: string;
  providerName: string;
  channelName: string;
  displayName: string;
  /** Effective JetDrive unit byte (the override's, else ChannelInfo's). */
  unit: number;
  unitLabel: string;
  quantity: Quantity | null;
  source: MappingSource;
  hidden: boolean;
  suggestion: QuantitySuggestion;
  override: ChannelOverride | null;
}

/** The unit a channel is read in: the override's, else the one its ChannelInfo announced. */
export function effectiveUnit(channel: ChannelMeta, override: ChannelOverride | null): number {
  return override?.unit ?? channel.unit;
}

/** What a channel measures: hidden by the user, the user's quantity, else the automatic suggestion. */
export function resolveChannel(
  channel: ChannelMeta,
  override: ChannelOverride | null,
  suggestion: QuantitySuggestion,
): ResolvedChannel {
  const unit = effectiveUnit(channel, override);
  const hidden = override?.hidden === true;
  let quantity: Quantity | null;
  let source: MappingSource;
  if (hidden) {
    quantity = null;
    source = 'hidden';
  } else if (override && override.quantity !== undefined) {
    quantity = override.quantity;
    source = 'override';
  } else {
    quantity = suggestion.quantity;
    source = 'auto';
  }
  return {
    key: channel.key,
    providerName: channel.providerName,
    channelName: channel.name,
    displayName: override?.display_name ?? channel.displayName,
    unit,
    unitLabel: UNIT_LABELS[unit] ?? '',
    quantity,
    source,
    hidden,
    suggestion,
    override,
  };
}

export function mappingStateOf(resolved: ResolvedChannel): MappingState {
  return resolved.hidden ? 'hidden' : resolved.quantity === null ? 'unmapped' : 'mapped';
}
