// Payload types of virtual tuning sessions as they cross the wire (HTTP and Socket.IO). The event maps (events.ts)
// reference these names; what clients send (start and cleanup requests) is typed from command-schemas.ts.

import type { EngineProfileId, SessionStartConfig, VeScenario } from './command-schemas.js';

export type SessionStatus = 'initializing' | 'running' | 'converged' | 'failed' | 'stopped' | 'max_iterations';
export type TerminalStatus = 'converged' | 'failed' | 'stopped' | 'max_iterations';

export interface IterationResult {
  iteration: number;
  timestamp: string;
  max_afr_error: number;
  mean_afr_error: number;
  rms_afr_error: number;
  max_ve_correction_pct: number;
  mean_ve_correction_pct: number;
  cells_corrected: number;
  cells_converged: number;
  converged: boolean;
  peak_hp: number;
  peak_tq: number;
  /** Cells hit at least once / 99, in percent. */
  coverage_pct: number;
  /** Cells hit at least 3 times: the ones corrected and judged (cells_converged counts among these). */
  cells_judged: number;
  /** Pull samples binned this iteration. */
  samples: number;
  /** Mean signed % VE error of the ECU tables (front and rear) vs the baseline VE, after this iteration. */
  ve_error_pct: number;
  /** Mean % change of the ECU tables from the session's starting tables, after this iteration. */
  ve_change_pct: number;
}

export type SessionEventBody =
  | { type: 'created'; config: SessionStartConfig }
  | { type: 'running'; initial_ve_error_pct: number }
  | { type: 'progress'; iteration: number; pct: number; message: string }
  | { type: 'iteration'; result: IterationResult; cell_maps?: CellMaps }
  | { type: 'terminal'; status: TerminalStatus; message: string | null };

export type SessionEvent = SessionEventBody & { sessionId: string; seq: number; at: number };

/** GET /api/virtual-tune/status/:id */
export interface SessionSnapshot {
  session_id: string;
  status: SessionStatus;
  current_iteration: number;
  max_iterations: number;
  converged: boolean;
  progress_pct: number;
  progress_message: string;
  iterations: IterationResult[];
  start_time: string;
  end_time: string | null;
  duration_sec: number | null;
  error_message: string | null;
  /** seq of the last event this snapshot includes: a watcher's first session:event has seq + 1. */
  seq: number;
}

/** GET /api/virtual-tune/sessions entries. */
export interface SessionSummary {
  session_id: string;
  status: SessionStatus;
  current_iteration: number;
  max_iterations: number;
  duration_sec: number | null;
  converged: boolean;
  /** What the session was started with, so lists can tell sessions apart; null only before its config is known. */
  engine_profile: EngineProfileId | null;
  base_ve_scenario: VeScenario | null;
}

export interface SessionResults extends SessionSnapshot {
  final_metrics: {
    total_iterations: number;
    final_max_afr_error: number | null;
    final_mean_afr_error: number | null;
    final_rms_afr_error: number | null;
    convergence_rate: 'fast' | 'normal' | 'slow' | null;
    time_to_convergence_sec: number | null;
  };
  ve_evolution: {
    initial_error_pct: number | null;
    final_error_pct: number | null;
    total_correction_pct: number | null;
  };
  /** The ECU's current VE tables, or null once the session's tables were released (summaries outlive them). */
  ve_tables: VeTables | null;
  /** The last iteration's measured per-cell maps; null before the first iteration and once the tables are released. */
  cell_maps: CellMaps | null;
  /**
   * The VE correction applied over all iterations so far, percent per cell, per cylinder: the compounded product of
   * every iteration's correction factor (the last iteration alone is all zeros once a session converges). Null
   * before the first iteration and once the tables are released.
   */
  cumulative_ve_correction_pct: { front: CellGrid; rear: CellGrid } | null;
}

/** VE tables indexed [rpmIndex][mapIndex] over the 11 × 9 grid. */
export interface VeTables {
  rpm_axis: number[];
  map_axis: number[];
  front: number[][];
  rear: number[][];
}

export interface CleanupResult {
  success: true;
  removed: string[];
  remaining: number;
  message: string;
}

/** One value per grid cell, [rpm index][map index] over RPM_AXIS × MAP_AXIS; null where a cell had < min hits. */
export type CellGrid = (number | null)[][];

/** What one iteration measured, per cell and cylinder: the heatmaps a tuner reads. */
export interface CellMaps {
  rpm_axis: number[];
  map_axis: number[];
  /** Mean measured − target AFR (AFR points; positive = lean). */
  afr_error: { front: CellGrid; rear: CellGrid };
  /** The VE correction the iteration applied, percent (0 where within the deadband or once converged). */
  ve_correction_pct: { front: CellGrid; rear: CellGrid };
  /** Samples per cell. */
  hits: number[][];
}
