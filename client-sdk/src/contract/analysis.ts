import { z } from 'zod';
import { closedObject } from './closed-object.js';
import { runIdSchema } from './runs.js';

// The live VE analysis on the wire: the start body (HTTP POST /api/analysis and the `analysis:start` command), the
// grid a viewer gets when it starts watching `analysis:<id>`, and the deltas of changed cells that follow (at most one
// per push interval, 200 ms by default, and only while the grid changes).

export const ANALYSIS_LOADS = ['map', 'tps'] as const;
export type AnalysisLoad = (typeof ANALYSIS_LOADS)[number];
export const ANALYSIS_WEIGHTINGS = ['bilinear', 'nearest'] as const;
export type AnalysisWeighting = (typeof ANALYSIS_WEIGHTINGS)[number];
export const ANALYSIS_EXPORT_KINDS = ['suggested', 'diff', 'hits'] as const;
export type AnalysisExportKind = (typeof ANALYSIS_EXPORT_KINDS)[number];
export type AnalysisStatus = 'running' | 'stopped';

/** Largest CSV table accepted in a start body, in characters. */
export const MAX_ANALYSIS_CSV_CHARS = 32_768;
/** Runs one offline analysis accumulates at most (over its life: queued, analysed or failed). */
export const MAX_ANALYSIS_RUNS = 16;
/** Banks an analysis has at most (one VE table each). */
export const MAX_ANALYSIS_BANKS = 8;

const csv = z.string().min(1).max(MAX_ANALYSIS_CSV_CHARS);
const runIds = z.array(runIdSchema).min(1).max(MAX_ANALYSIS_RUNS);

const analysisStartShape = {
  /** The provider's name, or its host id (a number, or "0x43FD"); or give `run` / `runs` instead. */
  provider: z.union([z.string().min(1).max(200), z.number().int().min(0).max(0xffff)]).optional(),
  /** A run of the library to analyse offline instead of a live provider. */
  run: runIdSchema.optional(),
  /** Runs of the library to analyse offline, accumulated in this order. */
  runs: runIds.optional(),
  load: z.enum(ANALYSIS_LOADS),
  name: z.string().min(1).max(100).optional(),
  weighting: z.enum(ANALYSIS_WEIGHTINGS).optional(),
  /** A cell is suggested with at least this many samples (bilinear: sum of weights). */
  minHits: z.number().min(1).max(10_000).optional(),
  maxCorrectionPct: z.number().gt(0).max(50).optional(),
  /** null turns the warm-up filter off. */
  warmupTempC: z.number().min(-40).max(150).nullable().optional(),
  steadyWindowMs: z.number().min(0).max(2000).optional(),
  maxRpmRatePerS: z.number().gt(0).max(100_000).nullable().optional(),
  maxLoadRatePerS: z.number().gt(0).max(10_000).nullable().optional(),
  /** Sensor lag compensation: a reading belongs to the operating point this long before it. */
  lagMs: z.number().min(0).max(1000).optional(),
  fuelCutAfr: z.number().min(5).max(30).nullable().optional(),
  closedThrottlePct: z.number().min(0).max(50).optional(),
  afrMin: z.number().min(5).max(30).optional(),
  afrMax: z.number().min(5).max(30).optional(),
  /** AFR of lambda 1, for providers that report lambda instead of AFR. */
  stoichAfr: z.number().min(5).max(20).optional(),
  /** The current VE table with its axes (rows rpm, columns load, or the other way round with a "map" corner). */
  veTableCsv: csv.optional(),
  /** Target AFR on the same axes; default 14.0 at cruise to 12.5 at WOT. */
  targetAfrCsv: csv.optional(),
  /**
   * One current VE table per bank (front, rear, …) for engines with a table per cylinder; a bank without one uses
   * veTableCsv (or the default grid). Every table must have the same axes.
   */
  bankVeTablesCsv: z
    .record(z.string().min(1).max(32), csv)
    .refine((r) => Object.keys(r).length <= MAX_ANALYSIS_BANKS, { message: `at most ${MAX_ANALYSIS_BANKS} banks` })
    .optional(),
};

/** Strict: a misspelt setting is refused (naming it and listing the fields), never dropped for the default. */
export const analysisStartSchema = closedObject(analysisStartShape)
  .refine((b) => b.afrMin === undefined || b.afrMax === undefined || b.afrMin < b.afrMax, {
    message: 'must be above afrMin',
    path: ['afrMax'],
  })
  .refine((b) => (b.provider === undefined ? 0 : 1) + (b.run === undefined && b.runs === undefined ? 0 : 1) === 1, {
    message: 'give either a provider (live) or run / runs (offline, from the run library), not both',
    path: ['provider'],
  });
export type AnalysisStartInput = z.input<typeof analysisStartSchema>;
export type AnalysisStartRequest = z.output<typeof analysisStartSchema>;

export const analysisIdSchema = z.string().min(1).max(64);

export const analysisExportSchema = closedObject({
  id: analysisIdSchema,
  kind: z.enum(ANALYSIS_EXPORT_KINDS),
  /** Bank name (front, rear, …) or index; default the first bank. */
  bank: z.union([z.string().min(1).max(32), z.number().int().min(0).max(7)]).optional(),
});
export type AnalysisExportRequest = z.input<typeof analysisExportSchema>;

/** Runs added to an offline analysis (`POST /api/analysis/:id/runs`, `analysis:add-runs`). */
export const analysisAddRunsSchema = closedObject({ id: analysisIdSchema, runs: runIds });
export type AnalysisAddRunsRequest = z.input<typeof analysisAddRunsSchema>;

/** Where an analysis' samples come from: a live provider, or runs of the library fed through offline. */
export type AnalysisSource = 'live' | 'runs';

/** A run of an offline analysis: queued, being read, being fed, done, failed (why in `error`) or cancelled by a stop. */
export type AnalysisRunStatus = 'queued' | 'reading' | 'feeding' | 'done' | 'failed' | 'cancelled';

export interface AnalysisRunState {
  id: string;
  /** The run's name in the library (its id until read). */
  name: string;
  status: AnalysisRunStatus;
  /** Readings fed to the analysis (one per rpm sample). */
  readings: number;
  /** Why the run was not analysed (status failed). */
  error: string | null;
}

/** What the filters did: every sample is either accepted or counted under the first filter that refused it. */
export interface AnalysisCounts {
  samples: number;
  accepted: number;
  /** Non-finite rpm, load or time, or a time earlier than the previous sample's. */
  invalid: number;
  /** Engine below the warm-up temperature. */
  cold: number;
  /** Not enough recent history to look back by the lag and the steady-state window (start, a hole, a rate too high). */
  history: number;
  /** rpm or load changing faster than the steady-state limits. */
  transient: number;
  /** Closed throttle with a lean reading: decel fuel cut. */
  fuelCut: number;
  /** Operating point more than half a step off the table. */
  outsideGrid: number;
  /** No bank had a reading in the sensor's valid range. */
  afrRange: number;
  /** Bank readings outside the valid range (a sample with one bad bank still feeds the others). */
  bankReadingsOutOfRange: number;
}

/** An analysis' settings. Every filter can be turned off (null, or 0 for the lag and the window). */
export interface AnalysisSettings {
  /**
   * bilinear: a sample counts toward its four neighbouring cells with the ECU's own weights, and the suggested table
   * is the one whose bilinear reading best explains every sample (least squares); nearest: a sample counts toward
   * its nearest cell only and a cell's suggestion is the mean measured / target ratio of its samples.
   */
  weighting: AnalysisWeighting;
  /** A cell is suggested only with at least this many samples (bilinear: the sum of its weights). */
  minHits: number;
  /** The suggested change of a cell is clamped to ± this, percent (one iteration). */
  maxCorrectionPct: number;
  /** Samples with the engine below this temperature (°C) are not tuning data. */
  warmupTempC: number | null;
  /** Steady state: rpm and load must change slower than these over the window. */
  steadyWindowMs: number;
  maxRpmRatePerS: number | null;
  maxLoadRatePerS: number | null;
  /** A reading is paired with the operating point this long before it (wideband transport and sensor lag). */
  lagMs: number;
  /** Decel fuel cut: throttle below closedThrottlePct with AFR above fuelCutAfr is free air. */
  fuelCutAfr: number | null;
  closedThrottlePct: number;
  /** The sensor's valid range: a reading outside it is dropped (per bank). */
  afrMin: number;
  afrMax: number;
  /** AFR of lambda 1, for banks read from lambda channels. */
  stoichAfr: number;
}

/** The channels an analysis reads (channel keys "host:id"; null where the provider has none). */
export interface AnalysisChannels {
  rpm: string;
  load: string;
  tps: string | null;
  engineTemp: string | null;
  /** One per bank, with the quantity it maps to (afr_front, lambda_rear, …). */
  banks: { name: string; key: string; quantity: string }[];
}

export interface AnalysisSummary {
  id: string;
  name: string;
  status: AnalysisStatus;
  provider: { hostId: number; name: string };
  load: AnalysisLoad;
  settings: AnalysisSettings;
  channels: AnalysisChannels;
  counts: AnalysisCounts;
  /** Epoch ms. */
  createdAt: number;
  stoppedAt: number | null;
  /** Where the VE table came from: the uploaded CSV or the default grid. */
  veTableSource: 'csv' | 'default';
  /** Banks with a VE table of their own (bankVeTablesCsv); the others use the shared table. */
  bankVeTables: string[];
  source: AnalysisSource;
  /** An offline analysis' runs in the order they are fed (empty for a live one). */
  runs: AnalysisRunState[];
}

/**
 * One bank's cells, row-major by rpm (index = rpmIndex × loadAxis.length + loadIndex); null where there is nothing
 * to say (no samples; for suggestions, fewer than minHits).
 */
export interface AnalysisBankCells {
  hits: number[];
  /** Σ weights (equals hits with nearest-cell weighting). */
  weight: number[];
  /** Mean measured − target AFR (positive = lean). */
  afrError: (number | null)[];
  afrErrorStd: (number | null)[];
  suggestedVe: (number | null)[];
  /** Suggested change, percent of the current value, clamped. */
  changePct: (number | null)[];
}

export interface AnalysisGrid {
  id: string;
  /** Increments with every push; a delta's seq follows the grid's. */
  seq: number;
  status: AnalysisStatus;
  load: AnalysisLoad;
  rpmAxis: number[];
  loadAxis: number[];
  /** The first bank's current VE table (the shared one unless it has its own). */
  veTable: number[];
  /** Each bank's current VE table (the same table for banks without their own). */
  veTables: number[][];
  afrTarget: number[];
  minHits: number;
  bankNames: string[];
  banks: AnalysisBankCells[];
  counts: AnalysisCounts;
  /** Where the engine is now (not lag-shifted), for tracing it on the grid; null before a sample. */
  operatingPoint: { rpm: number; load: number } | null;
}

/** The cells that changed since the previous push: `cells` lists their indices, each bank's arrays their new values. */
export interface AnalysisDelta {
  id: string;
  seq: number;
  status: AnalysisStatus;
  cells: number[];
  banks: AnalysisBankCells[];
  counts: AnalysisCounts;
  operatingPoint: { rpm: number; load: number } | null;
}

/** Applies a delta to a grid in place (the SDK and the dashboard keep one grid per watched analysis). */
export function applyAnalysisDelta(grid: AnalysisGrid, delta: AnalysisDelta): void {
  grid.seq = delta.seq;
  grid.status = delta.status;
  grid.counts = delta.counts;
  grid.operatingPoint = delta.operatingPoint;
  for (let b = 0; b < grid.banks.length && b < delta.banks.length; b++) {
    const to = grid.banks[b];
    const from = delta.banks[b];
    delta.cells.forEach((k, i) => {
      to.hits[k] = from.hits[i];
      to.weight[k] = from.weight[i];
      to.afrError[k] = from.afrError[i];
      to.afrErrorStd[k] = from.afrErrorStd[i];
      to.suggestedVe[k] = from.suggestedVe[i];
      to.changePct[k] = from.changePct[i];
    });
  }
}
