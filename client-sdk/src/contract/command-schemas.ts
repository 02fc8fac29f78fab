import { z } from 'zod';
import { closedObject } from './closed-object.js';

// Payload validation for every client command (and the session HTTP bodies, which carry the same payloads): types
// are not validation, a browser can send anything. The payload types of the event maps come from these schemas.

const text = z.string().min(1).max(200);

/**
 * How a subscription selects channels. A plain string matches the exact channel name, the display name or
 * "Provider/Channel"; a string with `*` or `?` is a case-insensitive glob over the same three forms.
 */
export const channelSelectorSchema = z.union([
  text,
  z.strictObject({ name: text }),
  z.strictObject({ glob: text }),
  z.strictObject({ quantity: z.string().min(1).max(64) }),
  // A replay's providers carry (slot << 16) | host id (slot ≤ 255), so provider ids go up to 24 bits.
  z.strictObject({ provider: z.union([text, z.number().int().min(0).max(0xff_ffff)]) }),
  z.strictObject({ key: text }),
]);
export type ChannelSelector = z.infer<typeof channelSelectorSchema>;

/** The hub's limits for a subscription (announced in `hello`). */
export interface SubscribeLimits {
  maxSelectorsPerSubscription: number;
  maxHz: number;
  maxBackfillSeconds: number;
}

/** Channels one resume request may name (a stream's channels; the hub's per-provider cap is 256). */
export const MAX_RESUME_CHANNELS = 4096;

export function createSubscribeSchema(limits: SubscribeLimits) {
  return closedObject({
    selectors: z.array(channelSelectorSchema).min(1).max(limits.maxSelectorsPerSubscription),
    /** At most this many values per channel per second (latest value of each period). Default: every sample. */
    maxHz: z.number().positive().max(limits.maxHz).optional(),
    /** With maxHz: also send the min/max of each period so plots keep one-sample peaks. */
    envelope: z.boolean().optional(),
    /** Seconds of recent history (from the channel rings) to send before live data. */
    backfill: z.number().min(0).max(limits.maxBackfillSeconds).optional(),
    /**
     * Resume after a reconnect (to the same or another node): per channel key (`providerId:channelId`), the time of the
     * last sample received. The hub sends what came after from its rings and answers `recovered: true`, or, when it no
     * longer holds the whole gap, `recovered: false` and the last values (a fresh start). Wins over `backfill`.
     */
    resume: z
      .record(z.string().max(32), z.number().finite())
      .refine((r) => Object.keys(r).length <= MAX_RESUME_CHANNELS, {
        error: `must name at most ${MAX_RESUME_CHANNELS} channels`,
      })
      .optional(),
  });
}
export type SubscribeRequest = z.infer<ReturnType<typeof createSubscribeSchema>>;
export type SubscribeOptions = Omit<SubscribeRequest, 'selectors'>;

export const subscriptionIdSchema = z.string().min(1).max(64);
export const sessionIdSchema = z.string().min(1).max(64);

/** Commands without a payload accept none, null or {} (what generic clients send); anything else is a mistake. */
export const noPayloadSchema = z.union([z.undefined(), z.null(), z.strictObject({})], {
  error: 'this command takes no payload (send none, null or {})',
});

/** Engine profiles of the simulated engine (the server checks this list against its profile table). */
export const ENGINE_PROFILE_IDS = ['m8_114', 'm8_131', 'twin_cam_103', 'sportbike_600'] as const;
export type EngineProfileId = (typeof ENGINE_PROFILE_IDS)[number];

export const VE_SCENARIOS = ['perfect', 'lean', 'rich', 'custom'] as const;
export type VeScenario = (typeof VE_SCENARIOS)[number];

const sessionStartShape = {
  engine_profile: z.enum(ENGINE_PROFILE_IDS).default('m8_114'),
  base_ve_scenario: z.enum(VE_SCENARIOS).default('lean'),
  /** Used by `custom` only; lean is N(−10, 5) % and rich N(+10, 5) %, as before. */
  base_ve_error_pct: z.number().min(-50).max(50).default(-10),
  base_ve_error_std: z.number().min(0).max(25).default(5),
  max_iterations: z.number().int().min(1).max(50).default(10),
  convergence_threshold_afr: z.number().gt(0).max(3).default(0.3),
  convergence_cell_pct: z.number().min(0).max(100).default(90),
  max_correction_per_iteration_pct: z.number().gt(0).max(50).default(15),
  oscillation_detection_enabled: z.boolean().default(true),
  barometric_pressure_inhg: z.number().min(20).max(32).default(29.92),
  ambient_temp_f: z.number().min(-20).max(130).default(75),
  seed: z.number().int().min(0).max(0xffff_ffff).default(42),
};

/**
 * The older POST /start body (all fields optional, defaults as the older system had them) plus `seed`. Strict: a
 * misspelt field (`max_iteration`) would otherwise be dropped silently and the session run with the default.
 */
export const sessionStartSchema = closedObject(sessionStartShape);
/** What a client sends (every field optional). */
export type SessionStartInput = z.input<typeof sessionStartSchema>;
/** What the hub runs with (defaults filled in). */
export type SessionStartConfig = z.output<typeof sessionStartSchema>;

/** Body of POST /cleanup and payload of session:cleanup. Missing / null means "run the sweep now". */
export const cleanupRequestSchema = closedObject({
  /** true: remove every ended session now; otherwise run the age / count sweep now. */
  all_completed: z.boolean().optional(),
  /** For the sweep run now: remove sessions ended at least this many minutes ago (default: the registry's age). */
  max_age_minutes: z.number().min(0).max(525_600).optional(),
})
  .nullish()
  .transform((v) => v ?? {});
export type CleanupRequest = z.output<typeof cleanupRequestSchema>;
