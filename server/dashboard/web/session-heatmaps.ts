import type { SessionResults } from '@jetdrive-hub/client/contract';
import { cellIndex, createAfrTargetTable, createBaselineVeTable, MAP_AXIS, RPM_AXIS } from '../../tuning/ve-grid.js';
import type { HeatmapData } from './render-heatmap.js';

// The two tuning heatmaps. Measured per-cell maps are used when the results carry them (`cell_maps`, requested
// from the sessions module); until then they are derived from the ECU's VE tables against the simulated engine's
// true VE (the baseline table): the correction still needed per cell, and the AFR error that VE error produces
// (mixture AFR = target × true VE / table VE, as server/engine/virtual-ecu.ts models it).

export interface SessionHeatmaps {
  /** 'measured': per-cell values from the last iteration; 'derived': computed from the current VE tables. */
  origin: 'measured' | 'derived';
  afrError: HeatmapData;
  veCorrectionPct: HeatmapData;
}

type Grid = (number | null)[][];

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function grid(value: unknown): Grid | null {
  if (!Array.isArray(value) || value.length !== RPM_AXIS.length) return null;
  const out: Grid = [];
  for (const row of value) {
    if (!Array.isArray(row) || row.length !== MAP_AXIS.length) return null;
    out.push(row.map((v) => (typeof v === 'number' && Number.isFinite(v) ? v : null)));
  }
  return out;
}

/** Mean of front and rear where both have a value, else whichever has one. */
function meanOf(a: Grid, b: Grid | null): Grid {
  if (!b) return a;
  return a.map((row, r) =>
    row.map((v, m) => {
      const w = b[r][m];
      if (v === null) return w;
      if (w === null) return v;
      return (v + w) / 2;
    }),
  );
}

/** A grid given either directly or as { front, rear }. */
function cylinderGrid(value: unknown): Grid | null {
  const direct = grid(value);
  if (direct) return direct;
  if (!isRecord(value)) return null;
  const front = grid(value.front);
  return front ? meanOf(front, grid(value.rear)) : null;
}

function measured(results: SessionResults): SessionHeatmaps | null {
  // Not in the contract yet (see the module comment): read it only if the hub sends it.
  const maps: unknown = 'cell_maps' in results ? results.cell_maps : undefined;
  if (!isRecord(maps)) return null;
  const afr = cylinderGrid(maps.afr_error);
  const ve = cylinderGrid(maps.ve_correction_pct);
  if (!afr || !ve) return null;
  const axes = { rpmAxis: RPM_AXIS, mapAxis: MAP_AXIS };
  return { origin: 'measured', afrError: { ...axes, cells: afr }, veCorrectionPct: { ...axes, cells: ve } };
}

function derived(results: SessionResults): SessionHeatmaps | null {
  const tables = results.ve_tables;
  if (!tables) return null;
  const front = grid(tables.front);
  const rear = grid(tables.rear);
  if (!front || !rear) return null;
  const trueVe = createBaselineVeTable();
  const target = createAfrTargetTable();
  const afr: Grid = [];
  const ve: Grid = [];
  for (let r = 0; r < RPM_AXIS.length; r++) {
    const afrRow: (number | null)[] = [];
    const veRow: (number | null)[] = [];
    for (let m = 0; m < MAP_AXIS.length; m++) {
      const i = cellIndex(r, m);
      let afrSum = 0;
      let veSum = 0;
      let n = 0;
      for (const table of [front, rear]) {
        const v = table[r][m];
        if (v === null || !(v > 0)) continue;
        afrSum += target[i] * (trueVe[i] / v - 1);
        veSum += (trueVe[i] / v - 1) * 100;
        n++;
      }
      afrRow.push(n === 0 ? null : afrSum / n);
      veRow.push(n === 0 ? null : veSum / n);
    }
    afr.push(afrRow);
    ve.push(veRow);
  }
  const axes = { rpmAxis: RPM_AXIS, mapAxis: MAP_AXIS };
  return { origin: 'derived', afrError: { ...axes, cells: afr }, veCorrectionPct: { ...axes, cells: ve } };
}

/**
 * The VE correction applied over all iterations (mean of front and rear), as the hub computes it from the factors it
 * applied; null before the first iteration or once the session's tables are released.
 */
export function cumulativeHeatmap(results: SessionResults): HeatmapData | null {
  const cells = cylinderGrid(results.cumulative_ve_correction_pct);
  return cells ? { rpmAxis: RPM_AXIS, mapAxis: MAP_AXIS, cells } : null;
}

export function sessionHeatmaps(results: SessionResults): SessionHeatmaps | null {
  return measured(results) ?? derived(results);
}
