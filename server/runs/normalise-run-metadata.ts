import type { RunMetadata } from '@jetdrive-hub/client/contract';
import { z } from 'zod';

// A run's metadata as read back from a file or the library index: written by this hub, by an older version of it
// or by another hub, so lenient — a missing or mistyped field takes its empty value instead of breaking the whole
// library listing (a file without `providers` made GET /api/runs answer 500). Nested records are kept as written.

const loose = z.object({}).passthrough();
const START_REASONS = ['auto', 'manual', 'upload'] as const;
const END_REASONS = [
  'decel',
  'throttle_closed',
  'max_duration',
  'manual',
  'provider_offline',
  'shutdown',
  'write_error',
  'crash',
] as const;
const peak = z.object({ value: z.number(), unit: z.string() }).passthrough().nullable().catch(null);

const lenientRunMetadata = z
  .object({
    name: z.string().catch('Run'),
    startedAt: z.number().catch(0),
    endedAt: z.number().nullable().catch(null),
    startReason: z.enum(START_REASONS).catch('upload'),
    endReason: z.enum(END_REASONS).nullable().catch(null),
    providers: z.array(z.object({ name: z.string() }).passthrough()).catch([]),
    channels: z.array(loose).catch([]),
    atmosphere: loose.nullable().catch(null),
    simulator: z.object({ profile: z.string() }).passthrough().nullable().catch(null),
    notes: z.string().catch(''),
    pinned: z.boolean().catch(false),
    recovered: z.boolean().catch(false),
    datagrams: z.number().int().nonnegative().catch(0),
    droppedDatagrams: z.number().int().nonnegative().catch(0),
    stats: z.array(loose).nullable().catch(null),
    peakPower: peak,
    peakTorque: peak,
  })
  .passthrough();

/** `value` as run metadata under the library's id for it; null when it is not an object at all. */
export function normaliseRunMetadata(value: unknown, id: string): RunMetadata | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  // Checked field by field above; nested records (providers, channels, stats) are passed through as written.
  return { ...lenientRunMetadata.parse(value), id } as unknown as RunMetadata;
}
