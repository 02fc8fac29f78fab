import { MAX_COMPARE_RUNS, type PeakDeltaView, type RunDeltaView } from '@jetdrive-hub/client/contract';
import { computeRunCurves, type PeakAt, type RunCurves } from './compute-run-curves.js';
import { type CurveOptions, resolveCurveOptions } from './curve-options.js';
import { CurvesError } from './curves-error.js';
import type { RunSeries } from './types.js';

// Overlays: every run computed with the same options (correction, smoothing, x, bin width, units), aligned on one grid
// (the union of their bins), and each run's difference to the first, per bin and at the peaks.

export { MAX_COMPARE_RUNS };

export interface CompareInput {
  id: string;
  series: RunSeries;
}

/** A run's curve on the common grid: null where the run has no bin. */
export interface AlignedRun {
  id: string;
  curves: RunCurves;
  power: (number | null)[];
  torque: (number | null)[];
}

/** This run's peak minus the first's (display units), and where it peaks minus where the first does (RPM). */
export type PeakDelta = PeakDeltaView;

/** Per grid bin: this run − the first (null where either has no bin), and at the peaks: the wire's shape. */
export type RunDelta = RunDeltaView;

export interface RunComparison {
  /** The common grid, ascending (x's display unit). */
  x: number[];
  runs: AlignedRun[];
  /** One per run after the first. */
  deltas: RunDelta[];
}

function align(grid: readonly number[], x: readonly number[], y: readonly number[]): (number | null)[] {
  const at = new Map<number, number>();
  for (let i = 0; i < x.length; i++) at.set(x[i], y[i]);
  return grid.map((g) => {
    const v = at.get(g);
    return v === undefined || !Number.isFinite(v) ? null : v;
  });
}

function minus(a: readonly (number | null)[], b: readonly (number | null)[]): (number | null)[] {
  return a.map((v, i) => {
    const base = b[i];
    return v === null || base === null ? null : v - base;
  });
}

function peakDelta(p: PeakAt | null, base: PeakAt | null): PeakDelta | null {
  return p && base ? { value: p.value - base.value, rpm: p.rpm - base.rpm } : null;
}

/** Aligned curves for 1–8 runs and the deltas of each to the first. */
export function compareRuns(inputs: readonly CompareInput[], options: CurveOptions = {}): RunComparison {
  if (inputs.length === 0 || inputs.length > MAX_COMPARE_RUNS) {
    throw new CurvesError('TOO_MANY_RUNS', `ids: compare takes 1–${MAX_COMPARE_RUNS} runs, got ${inputs.length}`, {
      field: 'ids',
    });
  }
  const o = resolveCurveOptions(options);
  const computed = inputs.map((r) => ({ id: r.id, curves: computeRunCurves(r.series, options) }));
  // Bin centres are k × width, so equal bins are equal numbers: the grid is the union of the runs' keys.
  const keys = new Set<number>();
  for (const r of computed) for (const x of r.curves.curves.x) keys.add(Math.round(x / o.binWidth));
  const x = [...keys].sort((a, b) => a - b).map((k) => k * o.binWidth);
  const runs = computed.map(({ id, curves }) => ({
    id,
    curves,
    power: align(x, curves.curves.x, curves.curves.power),
    torque: align(x, curves.curves.x, curves.curves.torque),
  }));
  const [first] = runs;
  const deltas = runs.slice(1).map((r) => ({
    id: r.id,
    power: minus(r.power, first.power),
    torque: minus(r.torque, first.torque),
    peakPower: peakDelta(r.curves.peaks.smoothed.power, first.curves.peaks.smoothed.power),
    peakTorque: peakDelta(r.curves.peaks.smoothed.torque, first.curves.peaks.smoothed.torque),
  }));
  return { x, runs, deltas };
}
