import { closedObject } from '@jetdrive-hub/client/contract';
import { z } from 'zod';
import { nullProtoRecord } from './null-proto-record.js';
import { QUANTITIES } from './quantities.js';

// A user's correction for one channel of one provider, keyed by provider name and channel name (host ids change at
// every start, names do not). Same shape in the HTTP API and in the file on disk.

export const CHANNEL_OVERRIDE_SHAPE = {
  /** Shown instead of the channel name. */
  display_name: z.string().trim().min(1).max(64).optional(),
  /** JetDrive unit byte to use instead of the one in ChannelInfo (devices mislabel units). */
  unit: z.number().int().min(0).max(255).optional(),
  /** A quantity, or null to keep the channel unmapped whatever the suggestion says. */
  quantity: z.enum(QUANTITIES).nullable().optional(),
  hidden: z.boolean().optional(),
};

export const channelOverrideSchema = closedObject(CHANNEL_OVERRIDE_SHAPE);

export type ChannelOverride = z.infer<typeof channelOverrideSchema>;

/** Overrides of one provider, by channel name (a null-prototype object: names come from the network). */
export type ProviderOverrides = Record<string, ChannelOverride>;

export const MAX_PROVIDER_NAME_LENGTH = 64;
export const MAX_CHANNEL_NAME_LENGTH = 64;

export const providerOverridesSchema = nullProtoRecord(
  z.string().min(1).max(MAX_CHANNEL_NAME_LENGTH),
  channelOverrideSchema,
);

export const mappingFileSchema = closedObject({
  version: z.literal(1),
  updated_at: z.string().optional(),
  providers: nullProtoRecord(z.string().min(1).max(MAX_PROVIDER_NAME_LENGTH), providerOverridesSchema),
});

export type MappingFile = z.infer<typeof mappingFileSchema>;
