import type { CellMaps, IterationResult, SessionEventBody } from '@jetdrive-hub/client/contract';
import { ENGINE_PROFILES } from '../sim/engine-profiles.js';
import { createBaselineVeTable, createAfrTargetTable, GRID_CELLS, type GridTable } from '../tuning/ve-grid.js';
import { createScenarioVeTable } from '../sim/ve-scenario.js';
import { afrErrorMetrics } from '../tuning/afr-error-metrics.js';
import { applyCorrections } from '../tuning/apply-corrections.js';
import { binSample, createCellBins } from '../tuning/cell-bins.js';
import { toCellMaps } from '../tuning/to-cell-maps.js';
import { computeCorrections } from '../tuning/compute-corrections.js';
import { isConverged, isOscillating } from '../tuning/judge-convergence.js';
import { veErrorPct } from '../tuning/ve-error-pct.js';
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

/** A chunk boundary: the driver may yield to the event loop or stop here. */
export const CHUNK_BOUNDARY = Object.freeze({ type: 'chunk' as const });
export type TuneStep = SessionEventBody | typeof CHUNK_BOUNDARY;

export interface TuneDeps {
  createPlant: PlantFactory;
  /** Throttle positions pulled each iteration: one WOT pull only reaches the top MAP rows. */
  tpsSteps: readonly number[];
  now: () => number;
}

export const DEFAULT_TPS_STEPS: readonly number[] = Object.freeze([20, 40, 60, 80, 100]);

const r3 = (v: number): number => Math.round(v * 1000) / 1000;
const r2 = (v: number): number => Math.round(v * 100) / 100;

function meanChangePct(now: GridTable, start: GridTable): number {
  let s = 0;
  for (let i = 0; i < GRID_CELLS; i++) s += now[i] / start[i] - 1;
  return (s / GRID_CELLS) * 100;
}

/** One iteration's pulls, one per throttle step, binned into the AFR grid; yields progress and chunk boundaries. */
function* pullAtEverySetting(
  plant: ReturnType<TuneDeps['createPlant']>,
  afrTarget: GridTable,
  gridRpmScale: number,
  iteration: number,
  steps: readonly number[],
): Generator<TuneStep, { bins: ReturnType<typeof createCellBins>; peakHp: number; peakTq: number }> {
  const bins = createCellBins();
  let peakHp = 0;
  let peakTq = 0;
  for (let k = 0; k < steps.length; k++) {
    const pct = Math.round(5 + (65 * k) / steps.length);
    yield { type: 'progress', iteration, pct, message: `Pull ${k + 1}/${steps.length} at ${steps[k]}% TPS` };
    for (const chunk of plant.pull(steps[k])) {
      for (const s of chunk) {
        binSample(bins, afrTarget, {
          rpm: s.rpm / gridRpmScale,
          map: s.mapKpa,
          afrFront: s.afrFront,
          afrRear: s.afrRear,
        });
        if (s.hp > peakHp) peakHp = s.hp;
        if (s.tq > peakTq) peakTq = s.tq;
      }
      yield CHUNK_BOUNDARY;
    }
  }
  return { bins, peakHp, peakTq };
}

/** The iteration's figures; corrections are null (all zero) for a converged iteration, which keeps its table. */
function iterationResult(
  iteration: number,
  now: number,
  m: ReturnType<typeof afrErrorMetrics>,
  corr: ReturnType<typeof computeCorrections> | null,
  figures: { peakHp: number; peakTq: number; samples: number; veErrorPct: number; veChangePct: number },
): IterationResult {
  return {
    iteration,
    timestamp: new Date(now).toISOString(),
    max_afr_error: r3(m.maxAfrError),
    mean_afr_error: r3(m.meanAfrError),
    rms_afr_error: r3(m.rmsAfrError),
    max_ve_correction_pct: corr ? r2(corr.maxCorrectionPct) : 0,
    mean_ve_correction_pct: corr ? r2(corr.meanCorrectionPct) : 0,
    cells_corrected: corr ? corr.cellsCorrected : 0,
    cells_converged: m.cellsConverged,
    converged: corr === null,
    peak_hp: r2(figures.peakHp),
    peak_tq: r2(figures.peakTq),
    coverage_pct: r2(m.coveragePct),
    cells_judged: m.cellsJudged,
    samples: figures.samples,
    ve_error_pct: r2(figures.veErrorPct),
    ve_change_pct: r2(figures.veChangePct),
  };
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
  const scenario = {
    scenario: config.base_ve_scenario,
    ...(config.base_ve_scenario === 'custom'
      ? { errorPct: config.base_ve_error_pct, errorStd: config.base_ve_error_std }
      : {}),
  };
  // Front and rear start from independent draws: they are separate tables and are corrected separately.
  const startFront = createScenarioVeTable({ ...scenario, seed: config.seed });
  const startRear = createScenarioVeTable({ ...scenario, seed: (config.seed + 0x9e37) >>> 0 });
  tables.veFront = startFront;
  tables.veRear = startRear;
  const bothErrorPct = (): number => (veErrorPct(tables.veFront, reference) + veErrorPct(tables.veRear, reference)) / 2;
  yield { type: 'running', initial_ve_error_pct: r2(bothErrorPct()) };

  const maxErrors: number[] = [];
  const steps = deps.tpsSteps;
  for (let i = 1; i <= config.max_iterations; i++) {
    yield { type: 'progress', iteration: i, pct: 0, message: `Starting iteration ${i}...` };
    const plant = deps.createPlant({
      profile: config.engine_profile,
      seed: (config.seed + i * 7919) >>> 0,
      barometricPressureInHg: config.barometric_pressure_inhg,
      ambientTempF: config.ambient_temp_f,
      veFront: tables.veFront,
      veRear: tables.veRear,
      afrTarget,
    });
    const { bins, peakHp, peakTq } = yield* pullAtEverySetting(plant, afrTarget, profile.gridRpmScale, i, steps);
    if (bins.total - bins.dropped === 0) {
      throw new Error(`Iteration ${i} failed: the pulls produced no samples on the grid (${bins.total} taken)`);
    }
    yield { type: 'progress', iteration: i, pct: 70, message: `Dyno pulls complete (${bins.total} points)` };

    const m = afrErrorMetrics(bins, opts);
    const converged = isConverged(m, opts);
    const corr = computeCorrections(bins, opts);
    yield { type: 'progress', iteration: i, pct: 85, message: `AFR error analysed (${m.cellsJudged} cells judged)` };
    // A converged iteration keeps the table it measured: that is the result.
    if (!converged) {
      tables.veFront = applyCorrections(tables.veFront, corr.front);
      tables.veRear = applyCorrections(tables.veRear, corr.rear);
      tables.corrections.push({ front: corr.front, rear: corr.rear });
    }
    const result = iterationResult(i, deps.now(), m, converged ? null : corr, {
      peakHp,
      peakTq,
      samples: bins.total - bins.dropped,
      veErrorPct: bothErrorPct(),
      veChangePct: (meanChangePct(tables.veFront, startFront) + meanChangePct(tables.veRear, startRear)) / 2,
    });
    const cellMaps = toCellMaps(bins, converged ? null : corr, opts.minHits);
    tables.lastCellMaps = cellMaps;
    yield { type: 'iteration', result, cell_maps: cellMaps };
    yield { type: 'progress', iteration: i, pct: 100, message: converged ? 'Converged' : 'VE corrections applied' };
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
