import { z } from 'zod';
import { strictFieldsError } from './describe-zod-error.js';

// Replay of a recorded run through the hub's live pipeline (issue 16): the request bodies and command payloads
// (zod, strict: a misspelt field is named, never dropped), the status a replay reports and the limits they share.

/** Playback rate limits (× real time). */
export const REPLAY_MIN_RATE = 0.1;
export const REPLAY_MAX_RATE = 20;

/**
 * A run id: UTC start time plus 6 random hex digits (`20261129T234500Z-1a2b3c`), safe in a path. The same pattern as
 * the run library's `runIdSchema` (runs.ts), under its own name so the two files merge without a clash.
 */
export const replayRunIdSchema = z
  .string()
  .regex(
    /^[0-9]{8}T[0-9]{6}Z-[0-9a-f]{6}$/,
    'must be a run id like 20261129T234500Z-1a2b3c (UTC start time and 6 hex digits)',
  );

/** Milliseconds from the run's start (at most a week: runs are minutes long). */
const offsetMs = z.number().min(0).max(604_800_000);

const replayOptionsShape = {
  /** × real time: 1 plays as recorded, 10 ten times faster. */
  rate: z.number().min(REPLAY_MIN_RATE).max(REPLAY_MAX_RATE),
  /** Start here (ms from the run's start); default 0. */
  from: offsetMs.optional(),
  /** End here (ms from the run's start); default the run's end. */
  to: offsetMs.optional(),
  /** Start again at `from` after `to` instead of ending. */
  loop: z.boolean().optional(),
};

const fromBeforeTo = (o: { from?: number; to?: number }): boolean =>
  o.from === undefined || o.to === undefined || o.from < o.to;
const FROM_BEFORE_TO = { message: 'must be greater than from', path: ['to'] };

/** Body of `POST /api/runs/:id/replay`. */
export const replayOptionsSchema = z
  .strictObject(replayOptionsShape, strictFieldsError(replayOptionsShape))
  .refine(fromBeforeTo, FROM_BEFORE_TO);
export type ReplayOptions = z.output<typeof replayOptionsSchema>;

const replayStartShape = { runId: replayRunIdSchema, ...replayOptionsShape };
/** Payload of the `replay:start` command: the run and the same options. */
export const replayStartSchema = z
  .strictObject(replayStartShape, strictFieldsError(replayStartShape))
  .refine(fromBeforeTo, FROM_BEFORE_TO);
export type ReplayStartRequest = z.output<typeof replayStartSchema>;

/** A replay id as the hub hands it out (`rp-` and 8 hex digits). */
export const replayIdSchema = z.string().regex(/^rp-[0-9a-f]{8}$/, 'must be a replay id like rp-0a1b2c3d');

const seekShape = { position: offsetMs };
/** Body of `POST /api/replays/:id/seek`: where to continue, ms from the run's start. */
export const replaySeekBodySchema = z.strictObject(seekShape, strictFieldsError(seekShape));

const seekCommandShape = { id: replayIdSchema, position: offsetMs };
/** Payload of `replay:seek`. */
export const replaySeekSchema = z.strictObject(seekCommandShape, strictFieldsError(seekCommandShape));
export type ReplaySeekRequest = z.output<typeof replaySeekSchema>;

/** `playing` → `paused` ↔ `playing` → `ended` (end of range without loop) or `stopped`. */
export type ReplayState = 'playing' | 'paused' | 'ended' | 'stopped';

export interface ReplayProvider {
  /** The namespaced host id the registry keys it by: (replay slot << 16) | recorded host id. */
  hostId: number;
  hostHex: string;
  /** `replay:<run name>/<provider name>`. */
  name: string;
  /** The host id it had when recorded. */
  recordedHostId: number;
}

export interface ReplayStatus {
  id: string;
  runId: string;
  /** The run's name (from its metadata, else its id): providers appear as `replay:<name>/<provider>`. */
  name: string;
  state: ReplayState;
  rate: number;
  loop: boolean;
  /** Where playback is, ms from the run's start. */
  positionMs: number;
  fromMs: number;
  toMs: number;
  /** The whole run's length in ms. */
  durationMs: number;
  /** Times the range started over (loop). */
  loops: number;
  /** Datagrams fed into the pipeline so far. */
  datagrams: number;
  providers: ReplayProvider[];
  startedAt: number;
}
