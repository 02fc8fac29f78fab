import {
  createDynoSim,
  createScenarioVeTable,
  createVirtualEcu,
  type EngineProfileId,
  runPull,
  type SimFrame,
} from '../../server/engine/index.js';
import { WidebandDelay } from '../../server/sim/wideband-delay.js';
import {
  type CellWeighting,
  createAfrTargetTable,
  createBaselineVeTable,
  DEFAULT_VE_ANALYSIS_SETTINGS,
  MAP_AXIS,
  RPM_AXIS,
  type VeAnalysisSettings,
  VeAnalysis,
} from '../../server/tuning/index.js';

// The accuracy harness of the live VE analysis: the simulated engine with a wrong VE table (lean or rich scenario) on
// the simulated dyno, stepped faster than real time at the provider's 50 Hz, its frames fed to a VeAnalysis as a
// wideband and an ECU data link would deliver them, and the suggestions compared with the truth the simulator
// injected (true VE / table VE per cell).

/** Throttle of the n-th pull: WOT first, then part throttle down to 20 %, and round again (like a tuning session). */
export const PULL_TPS = [100, 80, 60, 40, 20] as const;
/** The wideband's transport delay the harness adds: the analysis' lag compensation must undo it. */
export const WIDEBAND_DELAY_MS = 100;
const DT_S = 0.02;

export interface AccuracyRun {
  profile: EngineProfileId;
  scenario: 'lean' | 'rich';
  weighting: CellWeighting;
  pulls: number;
  seed?: number;
  /** Overrides of the analysis settings (the clamp is raised to 30 % so the figure measures the estimate, not the clamp). */
  settings?: Partial<VeAnalysisSettings>;
}

export interface AccuracyPoint {
  pulls: number;
  /** Mean |suggested − true correction| over the cells with ≥ minHits, percent (points of VE change). */
  maePct: number;
  /** Cells with ≥ minHits over all cells, percent. */
  coveredPct: number;
  cellsJudged: number;
}

export interface AccuracyResult {
  points: AccuracyPoint[];
  analysis: VeAnalysis;
  /** The first pull count from which the MAE stays ≤ targetPct (null when it never does). */
  pullsNeeded(targetPct: number): number | null;
}

/** Truth per cell: the multiplier the ECU table needs to equal the engine's real VE. */
function trueCorrection(trueVe: Float64Array, table: Float64Array): Float64Array {
  return trueVe.map((v, k) => v / table[k]);
}

function measure(analysis: VeAnalysis, truth: Float64Array, pulls: number): AccuracyPoint {
  const minHits = analysis.settings.minHits;
  let sum = 0;
  let n = 0;
  for (const bank of analysis.results()) {
    for (let k = 0; k < analysis.cells; k++) {
      if (!(bank.weight[k] >= minHits)) continue;
      sum += Math.abs(1 + bank.changePct[k] / 100 - truth[k]) * 100;
      n++;
    }
  }
  const judged = n / analysis.banks;
  return {
    pulls,
    maePct: n === 0 ? Number.NaN : sum / n,
    coveredPct: (judged / analysis.cells) * 100,
    cellsJudged: judged,
  };
}

/** The simulated dyno with the engine on a wrong ECU table (the scenario's); the true VE is the baseline. */
export function scenarioDyno(profile: EngineProfileId, scenario: 'lean' | 'rich', seed: number) {
  const baseline = createBaselineVeTable();
  const table = createScenarioVeTable({ scenario, seed });
  const ecu = createVirtualEcu({
    veFront: new Float64Array(table),
    veRear: new Float64Array(table),
    afrTarget: createAfrTargetTable(),
    trueVeFront: baseline,
    trueVeRear: baseline,
  });
  return { sim: createDynoSim({ profile, seed, ecu }), table, baseline };
}

/** Runs `pulls` pulls and measures after each one. */
export function runAccuracy(run: AccuracyRun): AccuracyResult {
  const seed = run.seed ?? 42;
  const { sim, table, baseline } = scenarioDyno(run.profile, run.scenario, seed);
  const scale = sim.profile.gridRpmScale;
  const analysis = new VeAnalysis({
    // The tuner's table is the ECU's, on the engine's real rpm (the ECU looks it up at rpm / gridRpmScale).
    axes: { rpm: RPM_AXIS.map((r) => r * scale), load: MAP_AXIS },
    veTable: table,
    afrTarget: createAfrTargetTable(),
    banks: 2,
    settings: { ...DEFAULT_VE_ANALYSIS_SETTINGS, maxCorrectionPct: 30, weighting: run.weighting, ...run.settings },
  });
  const truth = trueCorrection(baseline, table);
  // The wideband as the simulated dyno's provider has it: its readings sent WIDEBAND_DELAY_MS late.
  const wideband = new WidebandDelay(WIDEBAND_DELAY_MS, 1 / DT_S);
  const sample = { t: 0, rpm: 0, load: 0, tps: 0, engineTempC: 0, afr: [0, 0] };
  const feed = (f: SimFrame): void => {
    const late = wideband.delay(f);
    sample.t = f.t * 1000;
    sample.rpm = f.rpm;
    sample.load = f.mapKpa;
    sample.tps = f.tps;
    sample.engineTempC = f.ectC;
    sample.afr[0] = late.afrFront;
    sample.afr[1] = late.afrRear;
    analysis.push(sample);
  };
  const points: AccuracyPoint[] = [];
  for (let p = 0; p < run.pulls; p++) {
    const pull = runPull(sim, { tps: PULL_TPS[p % PULL_TPS.length], dtS: DT_S });
    for (const f of pull.frames) feed(f);
    points.push(measure(analysis, truth, p + 1));
  }
  return {
    points,
    analysis,
    pullsNeeded(targetPct) {
      let from: number | null = null;
      for (const pt of points) {
        if (pt.maePct <= targetPct) from ??= pt.pulls;
        else from = null;
      }
      return from;
    },
  };
}
