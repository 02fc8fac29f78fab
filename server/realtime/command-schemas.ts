import { z } from 'zod';
import type { RealtimeOptions } from './options.js';

// Payload validation for every client command: types are not validation, a browser can send anything.

const text = z.string().min(1).max(200);

export const channelSelectorSchema = z.union([
  text,
  z.strictObject({ name: text }),
  z.strictObject({ glob: text }),
  z.strictObject({ quantity: z.string().min(1).max(64) }),
  z.strictObject({ provider: z.union([text, z.number().int().min(0).max(0xffff)]) }),
  z.strictObject({ key: text }),
]);

export function createSubscribeSchema(
  options: Pick<RealtimeOptions, 'maxSelectorsPerSubscription' | 'maxHz' | 'maxBackfillSeconds'>,
) {
  return z.strictObject({
    selectors: z.array(channelSelectorSchema).min(1).max(options.maxSelectorsPerSubscription),
    maxHz: z.number().positive().max(options.maxHz).optional(),
    envelope: z.boolean().optional(),
    backfill: z.number().min(0).max(options.maxBackfillSeconds).optional(),
  });
}

export const subscriptionIdSchema = z.string().min(1).max(64);

/** Commands without a payload accept none, null or {} (what generic clients send); anything else is a mistake. */
export const noPayloadSchema = z.union([z.undefined(), z.null(), z.strictObject({})], {
  error: 'this command takes no payload (send none, null or {})',
});

/** "selectors.0: Too big: expected string to have <=200 characters" — field path and the numbers. */
export function describeZodError(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : 'payload'}: ${issue.message}`)
    .join('; ');
}
