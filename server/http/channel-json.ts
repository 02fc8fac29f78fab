import type { ChannelMeta, ChannelRegistry } from '../channels/types.js';
import type { ChannelMapping, MappingSource, ResolvedChannel } from '../mapping/channel-mapping.js';
import type { Quantity } from '../mapping/quantities.js';
import { type SuggestedConfig, suggestedConfig } from '../mapping/suggested-config.js';
import { displayConversion, toDisplay, type UnitSystem } from '../mapping/unit-conversion.js';
import { UNIT_NAMES } from '../protocol/types.js';

export interface UnitJson {
  byte: number;
  label: string;
  name: string;
}

export interface ChannelJson {
  key: string;
  provider: string;
  provider_id_hex: string;
  id: number;
  name: string;
  display_name: string;
  provisional: boolean;
  unit: UnitJson;
  display_unit: string;
  /** Last value in display units; null before any value or when it was NaN/Infinity. */
  value: number | null;
  si_value: number | null;
  min: number | null;
  max: number | null;
  rate_hz: number;
  samples: number;
  last_seen: string | null;
  quantity: Quantity | null;
  quantity_source: MappingSource;
  confidence: number;
  hidden: boolean;
}

export interface DiscoverChannelJson {
  id: number;
  key: string;
  name: string;
  channel_name: string;
  provider: string;
  provider_id_hex: string;
  value: number | null;
  sample_values: (number | null)[];
  value_range: { min: number | null; max: number | null };
  suggested_config: SuggestedConfig;
  unit: UnitJson;
  display_unit: string;
  quantity: Quantity | null;
  quantity_source: MappingSource;
  confidence: number;
  reasons: string[];
}

function hexOf(providerId: number): string {
  return `0x${providerId.toString(16).toUpperCase().padStart(4, '0')}`;
}

function unitJson(resolved: ResolvedChannel): UnitJson {
  return { byte: resolved.unit, label: resolved.unitLabel, name: UNIT_NAMES[resolved.unit] ?? 'Unknown' };
}

function finite(value: number | null): number | null {
  return value !== null && Number.isFinite(value) ? value : null;
}

/** Confidence of what is in effect: an override is the user's word (1), otherwise the suggestion's. */
function effectiveConfidence(resolved: ResolvedChannel): number {
  return resolved.source === 'auto' ? resolved.suggestion.confidence : 1;
}

export function channelJson(channel: ChannelMeta, resolved: ResolvedChannel, system: UnitSystem): ChannelJson {
  const conversion = displayConversion(resolved.unit, system, resolved.quantity);
  return {
    key: channel.key,
    provider: channel.providerName,
    provider_id_hex: hexOf(channel.providerId),
    id: channel.channelId,
    name: channel.name,
    display_name: resolved.displayName,
    provisional: channel.provisional,
    unit: unitJson(resolved),
    display_unit: conversion.label,
    value: toDisplay(channel.lastValue, conversion),
    si_value: finite(channel.lastValue),
    min: toDisplay(channel.min, conversion),
    max: toDisplay(channel.max, conversion),
    rate_hz: Math.round(channel.rateHz * 100) / 100,
    samples: channel.sampleCount,
    last_seen: channel.lastSeen === null ? null : new Date(channel.lastSeen).toISOString(),
    quantity: resolved.quantity,
    quantity_source: resolved.source,
    confidence: effectiveConfidence(resolved),
    hidden: resolved.hidden,
  };
}

export function discoverChannelJson(
  channel: ChannelMeta,
  resolved: ResolvedChannel,
  registry: ChannelRegistry,
  system: UnitSystem,
  samples: number,
): DiscoverChannelJson {
  const conversion = displayConversion(resolved.unit, system, resolved.quantity);
  const history = registry.history(channel.key);
  const recent = history.slice(Math.max(0, history.length - samples));
  return {
    id: channel.channelId,
    key: channel.key,
    name: resolved.displayName,
    channel_name: channel.name,
    provider: channel.providerName,
    provider_id_hex: hexOf(channel.providerId),
    value: toDisplay(channel.lastValue, conversion),
    sample_values: recent.map((sample) => toDisplay(sample.value, conversion)),
    value_range: { min: toDisplay(channel.min, conversion), max: toDisplay(channel.max, conversion) },
    suggested_config: suggestedConfig(
      {
        quantity: resolved.quantity,
        unit: resolved.unit,
        name: resolved.displayName,
        labelOverride: resolved.override?.display_name,
        min: channel.min,
        max: channel.max,
      },
      system,
    ),
    unit: unitJson(resolved),
    display_unit: conversion.label,
    quantity: resolved.quantity,
    quantity_source: resolved.source,
    confidence: effectiveConfidence(resolved),
    reasons:
      resolved.source === 'auto'
        ? resolved.suggestion.reasons
        : [`set by an override (${resolved.source})`, ...resolved.suggestion.reasons],
  };
}

export function resolveAll(
  registry: ChannelRegistry,
  mapping: ChannelMapping,
): { channel: ChannelMeta; resolved: ResolvedChannel }[] {
  return registry.catalog().channels.map((channel) => ({ channel, resolved: mapping.resolve(channel) }));
}
