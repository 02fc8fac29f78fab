// Live VE analysis: accuracy against the simulator's injected VE error (lean and rich, every profile, full and part
// throttle pulls, bilinear least squares against nearest-cell means), the analysis cost per sample against the
// session's nearest-cell binning, the event-loop delay of a hub on a 50 Hz simulated dyno with two analyses and their
// viewers against the same hub without them, and the grid push bytes per second one viewer receives.

import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { AnalysisDelta, AnalysisGrid, AnalysisSummary, Result } from '@jetdrive-hub/client/contract';
import { createDynoSim, createScenarioVeTable, PROFILE_IDS, runPull } from '../../server/engine/index.js';
import {
  binSample,
  createAfrTargetTable,
  createCellBins,
  DEFAULT_VE_ANALYSIS_SETTINGS,
  MAP_AXIS,
  RPM_AXIS,
  type AnalysisSample,
  VeAnalysis,
} from '../../server/tuning/index.js';
import { runAccuracy } from '../support/analysis-accuracy.js';
import { connectViewer, HUB_OPERATOR, startTestHub, type TestSocket } from '../support/start-test-hub.js';
import { until } from '../support/until.js';
import type { BenchResult } from './types.js';

const SECTION = 'analysis';
const PULLS = 10;
const TARGET_MAE = 1.5;
const LOOP_WINDOW_MS = 12_000;

function accuracy(): BenchResult[] {
  const rows: BenchResult[] = [];
  for (const profile of PROFILE_IDS) {
    for (const scenario of ['lean', 'rich'] as const) {
      const bi = runAccuracy({ profile, scenario, weighting: 'bilinear', pulls: PULLS });
      const ne = runAccuracy({ profile, scenario, weighting: 'nearest', pulls: PULLS });
      const b = bi.points[PULLS - 1];
      const n = ne.points[PULLS - 1];
      rows.push({
        section: SECTION,
        name: `MAE ${profile} ${scenario}, ${PULLS} pulls (bilinear)`,
        value: b.maePct,
        unit: '%',
        baseline: { name: 'nearest', value: n.maePct },
        ratio: b.maePct / n.maePct,
        target: `≤ ${TARGET_MAE} %`,
        notes:
          `covered ${b.coveredPct.toFixed(0)} % / nearest ${n.coveredPct.toFixed(0)} %; ` +
          `pulls to ≤ ${TARGET_MAE} %: ${bi.pullsNeeded(TARGET_MAE) ?? 'never'} / nearest ${ne.pullsNeeded(TARGET_MAE) ?? 'never'}`,
      });
    }
  }
  return rows;
}

/** The samples of ten pulls on the m8_114, lean, as the analysis sees them. */
function recordedSamples(): AnalysisSample[] {
  const sim = createDynoSim({ profile: 'm8_114', seed: 3 });
  const out: AnalysisSample[] = [];
  for (let p = 0; p < PULLS; p++) {
    for (const f of runPull(sim, { tps: [100, 80, 60, 40, 20][p % 5] }).frames) {
      out.push({
        t: f.t * 1000,
        rpm: f.rpm,
        load: f.mapKpa,
        tps: f.tps,
        engineTempC: f.ectC,
        afr: [f.afrFront, f.afrRear],
      });
    }
  }
  return out;
}

function nsPer(samples: number, fn: () => void): number {
  let best = Number.POSITIVE_INFINITY;
  for (let round = 0; round < 7; round++) {
    const t0 = process.hrtime.bigint();
    fn();
    best = Math.min(best, Number(process.hrtime.bigint() - t0) / samples);
  }
  return best;
}

function cost(): BenchResult[] {
  const samples = recordedSamples();
  const table = createScenarioVeTable({ scenario: 'lean' });
  const make = (weighting: 'bilinear' | 'nearest') =>
    new VeAnalysis({
      axes: { rpm: RPM_AXIS, load: MAP_AXIS },
      veTable: table,
      afrTarget: createAfrTargetTable(),
      banks: 2,
      settings: { ...DEFAULT_VE_ANALYSIS_SETTINGS, weighting },
    });
  const target = createAfrTargetTable();
  const session = nsPer(samples.length, () => {
    const bins = createCellBins();
    for (const s of samples)
      binSample(bins, target, { rpm: s.rpm, map: s.load, afrFront: s.afr[0], afrRear: s.afr[1] });
  });
  const rows: BenchResult[] = [];
  for (const weighting of ['bilinear', 'nearest'] as const) {
    const ns = nsPer(samples.length, () => {
      const a = make(weighting);
      for (const s of samples) a.push(s);
    });
    rows.push({
      section: SECTION,
      name: `cost per sample, 2 banks (${weighting})`,
      value: ns,
      unit: 'ns',
      baseline: { name: 'session binSample (nearest, no filters)', value: session },
      ratio: ns / session,
      notes: `${samples.length} samples of ${PULLS} pulls, best of 7`,
    });
  }
  // A sample every filter lets through, so each results() below recomputes (a solve warm-started from the last).
  const open = new VeAnalysis({
    axes: { rpm: RPM_AXIS, load: MAP_AXIS },
    veTable: table,
    afrTarget: target,
    banks: 2,
    settings: { ...DEFAULT_VE_ANALYSIS_SETTINGS, warmupTempC: null, lagMs: 0, steadyWindowMs: 0 },
  });
  for (const s of samples) open.push(s);
  let t = samples[samples.length - 1].t;
  const solveNs = nsPer(20, () => {
    for (let n = 0; n < 20; n++) {
      t += 20;
      open.push({
        t,
        rpm: 2000 + ((n * 250) % 4000),
        load: 40 + ((n * 7) % 60),
        tps: 60,
        engineTempC: 90,
        afr: [13.4, 13.1],
      });
      open.results();
    }
  });
  rows.push({
    section: SECTION,
    name: 'grid results after a change (least-squares solve, 2 banks)',
    value: solveNs / 1000,
    unit: 'µs',
    notes: 'at most once per push interval per watched analysis, never per sample',
  });
  return rows;
}

function ack<T>(emit: (cb: (r: Result<T>) => void) => void): Promise<T> {
  return new Promise((resolve, reject) =>
    emit((r) => (r.ok ? resolve(r.data) : reject(new Error(`${r.error.code}: ${r.error.message}`)))),
  );
}

async function loopDelayMs(pull: () => void): Promise<{ p99: number; max: number }> {
  const h = monitorEventLoopDelay({ resolution: 10 });
  h.enable();
  const t0 = Date.now();
  while (Date.now() - t0 < LOOP_WINDOW_MS) {
    pull();
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  h.disable();
  return { p99: h.percentile(99) / 1e6, max: h.max / 1e6 };
}

async function liveHub(): Promise<BenchResult[]> {
  const t = await startTestHub({ simRateHz: 50 });
  const sockets: TestSocket[] = [];
  try {
    await until(() => t.hub.ingest.registry.channelCount() >= 16, 10_000, 'simulator channels');
    const pull = () => void t.hub.simulator?.pull();
    const without = await loopDelayMs(pull);
    const headers = { authorization: `Bearer ${HUB_OPERATOR}`, 'content-type': 'application/json' };
    let bytes = 0;
    let firstAt = 0;
    for (const weighting of ['bilinear', 'nearest']) {
      const res = await fetch(`${t.url}/api/analysis`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ provider: 'Simulated Dyno', load: 'map', weighting }),
      });
      const { analysis } = (await res.json()) as { analysis: AnalysisSummary };
      const viewer = await connectViewer(t.url);
      sockets.push(viewer);
      const grid = await ack<AnalysisGrid>((cb) => viewer.emit('analysis:watch', analysis.id, cb));
      if (sockets.length === 1) {
        bytes = JSON.stringify(['analysis:watch', grid]).length;
        firstAt = Date.now();
        viewer.on('analysis:delta', (d: AnalysisDelta) => {
          bytes += JSON.stringify(['analysis:delta', d]).length;
        });
      }
    }
    const withTwo = await loopDelayMs(pull);
    const bytesPerS = bytes / ((Date.now() - firstAt) / 1000);
    for (const s of sockets) s.disconnect();
    const listed = (await (await fetch(`${t.url}/api/analysis`)).json()) as { analyses: AnalysisSummary[] };
    for (const a of listed.analyses) await fetch(`${t.url}/api/analysis/${a.id}`, { method: 'DELETE', headers });
    // Before and after (A-B-A): the shared machine's own noise shows as the spread of the two baselines.
    const after = await loopDelayMs(pull);
    return [
      {
        section: SECTION,
        name: 'event-loop delay p99, 50 Hz dyno + 2 analyses with a viewer each',
        value: withTwo.p99,
        unit: 'ms',
        baseline: { name: 'same hub, no analysis (mean of before and after)', value: (without.p99 + after.p99) / 2 },
        ratio: withTwo.p99 / ((without.p99 + after.p99) / 2),
        notes:
          `max ${withTwo.max.toFixed(1)} ms; without: p99 ${without.p99.toFixed(1)} / ${after.p99.toFixed(1)} ms before / after, ` +
          `max ${without.max.toFixed(1)} / ${after.max.toFixed(1)} ms; pulls back to back, ${LOOP_WINDOW_MS / 1000} s each`,
      },
      {
        section: SECTION,
        name: 'grid push bytes per viewer (JSON, whole grid on watch + deltas)',
        value: bytesPerS,
        unit: 'B/s',
        notes: `over ${LOOP_WINDOW_MS / 1000} s of pulls, pushes every 200 ms at most`,
      },
    ];
  } finally {
    for (const s of sockets) s.disconnect();
    await t.close();
  }
}

export async function run(): Promise<BenchResult[]> {
  return [...accuracy(), ...cost(), ...(await liveHub())];
}
