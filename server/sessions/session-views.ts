import type { SessionResults, SessionSnapshot, SessionSummary, VeTables } from '@jetdrive-hub/client/contract';
import { cumulativeCorrectionPct } from '../tuning/cumulative-correction.js';
import { MAP_AXIS, RPM_AXIS } from '../tuning/ve-grid.js';
import type { SessionState } from './session-state.js';
import type { SessionTables } from './tune-steps.js';

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

function durationSec(s: SessionState, now: number): number | null {
  if (s.startedAt === null) return null;
  return Math.round(((s.endedAt ?? now) - s.startedAt) / 10) / 100;
}

/** GET /status/:id (the older shape). `duration_sec` runs on while the session does. */
export function toSnapshot(s: SessionState, now: number): SessionSnapshot {
  return {
    session_id: s.sessionId,
    status: s.status,
    current_iteration: s.currentIteration,
    max_iterations: s.config?.max_iterations ?? 0,
    converged: s.status === 'converged',
    progress_pct: s.progressPct,
    progress_message: s.progressMessage,
    iterations: [...s.iterations],
    start_time: iso(s.startedAt) ?? '',
    end_time: iso(s.endedAt),
    duration_sec: durationSec(s, now),
    error_message: s.errorMessage,
    seq: s.seq,
  };
}

export function toSummary(s: SessionState, now: number): SessionSummary {
  return {
    session_id: s.sessionId,
    status: s.status,
    current_iteration: s.currentIteration,
    max_iterations: s.config?.max_iterations ?? 0,
    duration_sec: durationSec(s, now),
    converged: s.status === 'converged',
    engine_profile: s.config?.engine_profile ?? null,
    base_ve_scenario: s.config?.base_ve_scenario ?? null,
  };
}

function rows(t: Float64Array, scale = 1e4): number[][] {
  const out: number[][] = [];
  for (let r = 0; r < RPM_AXIS.length; r++) {
    out.push(
      Array.from(t.subarray(r * MAP_AXIS.length, (r + 1) * MAP_AXIS.length), (v) => Math.round(v * scale) / scale),
    );
  }
  return out;
}

/**
 * Per cylinder, over every iteration that applied a correction (a converged iteration applies none). Computed here
 * from the factors the session holds rather than in the browser from iteration events: a page that picks a session
 * late, or reloads, never saw the early events, and one grid pair is smaller on the wire than one per iteration.
 */
function cumulativeOf(s: SessionState, tables: SessionTables): SessionResults['cumulative_ve_correction_pct'] {
  if (s.iterations.length === 0) return null;
  const front = cumulativeCorrectionPct(tables.corrections.map((c) => c.front));
  const rear = cumulativeCorrectionPct(tables.corrections.map((c) => c.rear));
  return { front: rows(front, 100), rear: rows(rear, 100) };
}

export function toVeTables(t: SessionTables): VeTables {
  return { rpm_axis: [...RPM_AXIS], map_axis: [...MAP_AXIS], front: rows(t.veFront), rear: rows(t.veRear) };
}

/**
 * GET /results/:id: the snapshot plus final metrics and VE evolution. convergence_rate as before (≤ 3 iterations
 * fast, ≤ 6 normal, else slow), but only for a converged session: "fast" for a session that never converged was
 * meaningless. VE evolution is carried in the events, so it survives the release of the tables.
 */
export function toResults(s: SessionState, tables: SessionTables | null, now: number): SessionResults {
  const last = s.iterations.at(-1) ?? null;
  const n = s.iterations.length;
  const converged = s.status === 'converged';
  return {
    ...toSnapshot(s, now),
    final_metrics: {
      total_iterations: n,
      final_max_afr_error: last?.max_afr_error ?? null,
      final_mean_afr_error: last?.mean_afr_error ?? null,
      final_rms_afr_error: last?.rms_afr_error ?? null,
      convergence_rate: converged ? (n <= 3 ? 'fast' : n <= 6 ? 'normal' : 'slow') : null,
      time_to_convergence_sec: converged ? durationSec(s, now) : null,
    },
    ve_evolution: {
      initial_error_pct: s.initialVeErrorPct,
      final_error_pct: last?.ve_error_pct ?? s.initialVeErrorPct,
      total_correction_pct: last?.ve_change_pct ?? (s.initialVeErrorPct === null ? null : 0),
    },
    ve_tables: tables ? toVeTables(tables) : null,
    cell_maps: tables?.lastCellMaps ?? null,
    cumulative_ve_correction_pct: tables ? cumulativeOf(s, tables) : null,
  };
}
