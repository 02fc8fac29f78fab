import type { ChannelMeta } from '../../server/channels/types.js';
import { UNIT_LABELS } from '../../server/protocol/types.js';

export type ChannelMetaInput = Pick<ChannelMeta, 'providerId' | 'providerName' | 'channelId' | 'name'> &
  Partial<ChannelMeta>;

/**
 * A freshly announced channel as the registry describes it: no samples yet, key "<providerId>:<channelId>",
 * display name = name, unit 255 (name only) unless given, unit label from the protocol's table.
 */
export function channelMeta(input: ChannelMetaInput): ChannelMeta {
  const unit = input.unit ?? 255;
  return {
    vendor: 0,
    provisional: false,
    firstSeen: 0,
    lastSeen: null,
    lastValue: null,
    lastTime: null,
    rateHz: 0,
    min: null,
    max: null,
    sampleCount: 0,
    ...input,
    key: input.key ?? `${input.providerId}:${input.channelId}`,
    displayName: input.displayName ?? input.name,
    unit,
    unitLabel: input.unitLabel ?? UNIT_LABELS[unit] ?? '',
  };
}
