// Runs: every pull captured from the raw JetDrive datagrams into an MCAP file, kept in the hub's run library.
// RunMetadata is also what the run file carries (MCAP metadata record `jetdrive-hub.run`, key `json`; readers take
// the last one in the file). HTTP bodies and Socket.IO events of the run library use these types.
import { z } from 'zod';
import { closedObject } from './closed-object.js';

/** `YYYYMMDDTHHMMSSZ-xxxxxx`: UTC start time + 6 random hex digits; safe in a path and a URL. */
export const RUN_ID_PATTERN = /^[0-9]{8}T[0-9]{6}Z-[0-9a-f]{6}$/;
export const runIdSchema = z.string().regex(RUN_ID_PATTERN, 'must be a run id like 20260101T120000Z-0a1b2c');

export type RunStartReason = 'auto' | 'manual' | 'upload';
export type RunEndReason =
  | 'decel'
  | 'throttle_closed'
  | 'max_duration'
  | 'manual'
  | 'provider_offline'
  | 'shutdown'
  | 'write_error'
  | 'crash';

export interface RunProvider {
  hostId: number;
  hostHex: string;
  name: string;
  address: string;
}

export interface RunChannel {
  /** The provider's host id. */
  hostId: number;
  channelId: number;
  name: string;
  unit: string;
  quantity: string | null;
}

export interface RunChannelStats {
  hostId: number;
  channelId: number;
  name: string;
  unit: string;
  min: number;
  max: number;
  mean: number;
  samples: number;
}

/** A peak (power or torque) in the channel's own unit (kW / N·m on the wire), with the engine speed it came at. */
export interface RunPeak {
  value: number;
  unit: string;
  rpm: number | null;
  /** Epoch ms. */
  at: number;
}

export interface RunAtmosphere {
  baroKpa: number | null;
  ambientC: number | null;
  humidityPct: number | null;
}

/** The simulated dyno a run was recorded from: its engine profile and the virtual ECU's starting VE table. */
export interface RunSimulator {
  /** Engine profile id (m8_114, sportbike_600, …). */
  profile: string;
  /** The virtual ECU's VE scenario (perfect, lean, rich, custom); null when the simulator runs without it. */
  scenario: string | null;
  /** The scenario's VE error, mean and spread, % (null without the virtual ECU; absent from older runs). */
  veErrorPct?: number | null;
  veErrorStd?: number | null;
  /** same, front_rich or rear_rich (null without the virtual ECU; absent from older runs). */
  cylinderBalance?: string | null;
}

/** What a run file says about its run, and what the library lists. */
export interface RunMetadata {
  id: string;
  name: string;
  /** Epoch ms. */
  startedAt: number;
  endedAt: number | null;
  startReason: RunStartReason;
  endReason: RunEndReason | null;
  providers: RunProvider[];
  channels: RunChannel[];
  atmosphere: RunAtmosphere | null;
  simulator: RunSimulator | null;
  notes: string;
  pinned: boolean;
  /** Finalised at a later start from a file a crash or a write error left unfinished. */
  recovered: boolean;
  datagrams: number;
  /** Datagrams not recorded (recorder queue full, more than 64 sources). */
  droppedDatagrams: number;
  /** Set when the run ended: per-channel statistics and peaks (null before, and for a run without those). */
  stats: RunChannelStats[] | null;
  peakPower: RunPeak | null;
  peakTorque: RunPeak | null;
}

/** One line of the run library (GET /api/runs). */
export interface RunSummary {
  id: string;
  name: string;
  startedAt: number;
  endedAt: number | null;
  durationS: number | null;
  startReason: RunStartReason;
  endReason: RunEndReason | null;
  providers: string[];
  profile: string | null;
  /** The simulator's VE scenario (null: not simulated, or without the virtual ECU). */
  scenario: string | null;
  pinned: boolean;
  recovered: boolean;
  datagrams: number;
  sizeBytes: number;
  peakPower: RunPeak | null;
  peakTorque: RunPeak | null;
}

/** A run as GET /api/runs/:id answers it. */
export interface RunDetail extends RunMetadata {
  sizeBytes: number;
  durationS: number | null;
}

export interface RunPage {
  runs: RunSummary[];
  total: number;
  offset: number;
  limit: number;
}

/** GET /api/runs query. */
const runListQueryShape = {
  offset: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  /** Epoch ms or ISO date: runs started at or after. */
  from: z.string().max(40).optional(),
  to: z.string().max(40).optional(),
  provider: z.string().max(100).optional(),
  profile: z.string().max(40).optional(),
  /** The simulator's VE scenario (lean, rich, perfect, custom), as `profile`: exact. */
  scenario: z.string().max(40).optional(),
  /** Case-insensitive text in the name or notes. */
  q: z.string().max(200).optional(),
};
export const runListQuerySchema = closedObject(runListQueryShape);
export type RunListQuery = z.input<typeof runListQuerySchema>;

/** Payload of `run:list` (the same filters as GET /api/runs; none, null or {} for the first page). */
export const runListCommandSchema = z.preprocess((v) => v ?? {}, runListQuerySchema);

/** PATCH /api/runs/:id body. */
const runUpdateShape = {
  name: z.string().trim().min(1).max(120).optional(),
  notes: z.string().max(4000).optional(),
  pinned: z.boolean().optional(),
};
export const runUpdateSchema = closedObject(runUpdateShape);
export type RunUpdate = z.infer<typeof runUpdateSchema>;

/** Payload of `run:update`: the run's id and what PATCH /api/runs/:id takes. */
export const runUpdateCommandSchema = closedObject({ id: runIdSchema, ...runUpdateShape });
export type RunUpdateRequest = z.infer<typeof runUpdateCommandSchema>;

/** POST /api/runs/record/start body (optional). */
const recordStartShape = { name: z.string().trim().min(1).max(120).optional() };
export const recordStartSchema = closedObject(recordStartShape);
export type RecordStartRequest = z.infer<typeof recordStartSchema>;
/** Payload of `recording:start`: none, null or { name? }. */
export const recordStartCommandSchema = z.preprocess((v) => v ?? {}, recordStartSchema);

export type RecordingState = 'idle' | 'recording' | 'post_roll' | 'suspended';

export interface RecordingStatus {
  state: RecordingState;
  /** The run being recorded, null when idle or suspended. */
  runId: string | null;
  startedAt: number | null;
  /** Set while suspended: why recording stopped (disk full, write error). */
  alert: RecordingAlert | null;
}

/** Recording stopped (disk full, write error) or resumed; live streaming is never affected. */
export interface RecordingAlert {
  active: boolean;
  code: string;
  message: string;
  at: number;
}

export interface RunStartedEvent {
  id: string;
  name: string;
  startedAt: number;
  startReason: RunStartReason;
  providers: string[];
}

export interface RunEndedEvent {
  run: RunSummary;
}
