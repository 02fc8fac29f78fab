import type { CellMaps } from '@jetdrive-hub/client/contract';
import { ENGINE_PROFILES } from '../engine/engine-profiles.js';
import { createScenarioVeTable } from '../engine/ve-scenario.js';
import { afrErrorMetrics } from '../tuning/afr-error-metrics.js';
import { applyCorrections } from '../tuning/apply-corrections.js';
import { computeCorrections } from '../tuning/compute-corrections.js';
import { isConverged, isOscillating } from '../tuning/judge-convergence.js';
import { toCellMaps } from '../tuning/to-cell-maps.js';
import { veErrorPct } from '../tuning/ve-error-pct.js';
import { createAfrTargetTable, createBaselineVeTable, type GridTable } from '../tuning/ve-grid.js';
import { CHUNK_BOUNDARY, type TuneStep } from './chunk-boundary.js';
import { iterationResult, r2 } from './iteration-result.js';
import { pullIteration } from './pull-iteration.js';
import { type SessionConfig, tuningOptionsOf } from './session-config.js';
import type { PlantFactory } from './tuning-plant.js';

/** A session's big arrays: what release() frees. Summaries (the reducer's state) never point into these. */
export interface SessionTables {
  veFront: GridTable;
  veRear: GridTable;
  /** The corrections each iteration applied, front and rear. */
  corrections: { front: GridTable; rear: GridTable }[];
  /** What the last iteration measured per cell (heatmaps). */
  lastCellMaps: CellMaps | null;
}

export { CHUNK_BOUNDARY, type TuneStep };

export interface TuneDeps {
  createPlant: PlantFactory;
  /** Throttle positions pulled each iteration: one WOT pull only reaches the top MAP rows. */
  tpsSteps: readonly number[];
  now: () => number;
}

export const DEFAULT_TPS_STEPS: readonly number[] = Object.freeze([20, 40, 60, 80, 100]);

/** The rear table's scenario seed is the front's plus this (independent draws). */
const REAR_SEED_OFFSET = 0x9e37;
/** Each iteration's plant seed is the session seed plus iteration × this prime. */
const ITERATION_SEED_STRIDE = 7919;
const PULLS_DONE_PCT = 70;
const ANALYSED_PCT = 85;
const DONE_PCT = 100;

/** The session's starting VE tables, front and rear, from its scenario; installed in `tables`. */
function startingTables(config: SessionConfig, tables: SessionTables): { front: GridTable; rear: GridTable } {
  const scenario = {
    scenario: config.base_ve_scenario,
    ...(config.base_ve_scenario === 'custom'
      ? { errorPct: config.base_ve_error_pct, errorStd: config.base_ve_error_std }
      : {}),
  };
  // Front and rear start from independent draws: they are separate tables and are corrected separately.
  const front = createScenarioVeTable({ ...scenario, seed: config.seed });
  const rear = createScenarioVeTable({ ...scenario, seed: (config.seed + REAR_SEED_OFFSET) >>> 0 });
  tables.veFront = front;
  tables.veRear = rear;
  return { front, rear };
}

/**
 * The closed loop as a synchronous generator: session events interleaved with chunk boundaries. It never waits
 * and does no I/O, so tests run it to the end in-process, and the session driver decides where to yield and stop.
 * It ends with exactly one terminal event, converged | failed | max_iterations; it throws on a fault (the driver
 * turns that into `failed`); `stopped` is the driver's.
 */
export function* tuneSteps(config: SessionConfig, deps: TuneDeps, tables: SessionTables): Generator<TuneStep, void> {
  const opts = tuningOptionsOf(config);
  const profile = ENGINE_PROFILES[config.engine_profile];
  const afrTarget = createAfrTargetTable();
  const reference = createBaselineVeTable();
  const start = startingTables(config, tables);
  const bothErrorPct = (): number => (veErrorPct(tables.veFront, reference) + veErrorPct(tables.veRear, reference)) / 2;
  yield { type: 'running', initial_ve_error_pct: r2(bothErrorPct()) };

  const maxErrors: number[] = [];
  for (let i = 1; i <= config.max_iterations; i++) {
    yield { type: 'progress', iteration: i, pct: 0, message: `Starting iteration ${i}...` };
    const plant = deps.createPlant({
      profile: config.engine_profile,
      seed: (config.seed + i * ITERATION_SEED_STRIDE) >>> 0,
      barometricPressureInHg: config.barometric_pressure_inhg,
      ambientTempF: config.ambient_temp_f,
      veFront: tables.veFront,
      veRear: tables.veRear,
      afrTarget,
    });
    const totals = yield* pullIteration(plant, i, deps.tpsSteps, profile.gridRpmScale, afrTarget);
    const { bins } = totals;
    if (bins.total - bins.dropped === 0) {
      throw new Error(`Iteration ${i} failed: the pulls produced no samples on the grid (${bins.total} taken)`);
    }
    yield {
      type: 'progress',
      iteration: i,
      pct: PULLS_DONE_PCT,
      message: `Dyno pulls complete (${bins.total} points)`,
    };

    const m = afrErrorMetrics(bins, opts);
    const converged = isConverged(m, opts);
    const corr = computeCorrections(bins, opts);
    const analysed = `AFR error analysed (${m.cellsJudged} cells judged)`;
    yield { type: 'progress', iteration: i, pct: ANALYSED_PCT, message: analysed };
    // A converged iteration keeps the table it measured: that is the result.
    if (!converged) {
      tables.veFront = applyCorrections(tables.veFront, corr.front);
      tables.veRear = applyCorrections(tables.veRear, corr.rear);
      tables.corrections.push({ front: corr.front, rear: corr.rear });
    }
    const result = iterationResult({
      iteration: i,
      now: deps.now(),
      metrics: m,
      corrections: corr,
      converged,
      totals,
      veErrorPct: bothErrorPct(),
      ve: { front: tables.veFront, rear: tables.veRear },
      start,
    });
    const cellMaps = toCellMaps(bins, converged ? null : corr, opts.minHits);
    tables.lastCellMaps = cellMaps;
    yield { type: 'iteration', result, cell_maps: cellMaps };
    const done = converged ? 'Converged' : 'VE corrections applied';
    yield { type: 'progress', iteration: i, pct: DONE_PCT, message: done };
    if (converged) {
      yield { type: 'terminal', status: 'converged', message: null };
      return;
    }
    maxErrors.push(m.maxAfrError);
    if (config.oscillation_detection_enabled && isOscillating(maxErrors, opts)) {
      yield { type: 'terminal', status: 'failed', message: 'Oscillation detected - corrections are not converging' };
      return;
    }
  }
  yield { type: 'terminal', status: 'max_iterations', message: null };
}
