import type { CurveSetView } from '@jetdrive-hub/client/contract';
import { binOnGrid } from './bin-on-grid.js';
import { type CorrectionFactor, correctionFactor } from './correction-standards.js';
import { type CurveOptions, type CurveXAxis, type ResolvedCurveOptions, resolveCurveOptions } from './curve-options.js';
import { CurvesError } from './curves-error.js';
import { extractPull, type MixtureQuantity, type PullPoints } from './extract-pull.js';
import { findPeak, type Peak } from './find-peak.js';
import { type RunAtmosphere, runAtmosphere } from './run-atmosphere.js';
import { type CurveUnits, curveUnits } from './si-units.js';
import { smoothCurve } from './smooth-curve.js';
import type { RunSeries } from './types.js';

/** Binned curves in display units, power and torque corrected; bins without points are absent (the wire's shape). */
export type CurveSet = CurveSetView;

export interface PeakAt extends Peak {
  /** Mean RPM of the peak's bin. */
  rpm: number;
}

export interface CurvePeaks {
  power: PeakAt | null;
  torque: PeakAt | null;
}

export interface RunCurves {
  x: CurveXAxis;
  binWidth: number;
  smoothing: number;
  units: CurveUnits;
  correction: CorrectionFactor;
  /** The air the factor was computed from, with where each figure came from. */
  atmosphere: RunAtmosphere | { tempC: number; pressureKpa: number; humidityPct: number; sources: 'given' };
  /** At the chosen smoothing. */
  curves: CurveSet;
  /** The same bins unsmoothed. */
  raw: CurveSet;
  peaks: { smoothed: CurvePeaks; raw: CurvePeaks };
  /** The pull's raw points, corrected, in display units (the binned curves' source). */
  points: { tMs: number[]; rpm: number[]; speed: number[] | null; power: number[]; torque: number[] };
  /** Which channel each figure came from. */
  sources: Record<string, string>;
}

function binned(pull: PullPoints, o: ResolvedCurveOptions, units: CurveUnits, cf: number): CurveSet {
  const scale = (a: Float64Array, f: number) => a.map((v) => v * f);
  let x = pull.rpm;
  if (o.x === 'speed') {
    if (!pull.speedKmh) throw new CurvesError('NO_PULL_DATA', 'x=speed: the run has no speed channel', { field: 'x' });
    x = scale(pull.speedKmh, units.speedFactor);
  }
  const ys: Record<string, Float64Array> = {
    rpm: pull.rpm,
    power: scale(pull.powerKw, cf * units.powerFactor),
    torque: scale(pull.torqueNm, cf * units.torqueFactor),
    ...pull.mixture,
  };
  const b = binOnGrid(x, ys, o.binWidth);
  const mixture: CurveSet['mixture'] = {};
  for (const q of Object.keys(pull.mixture) as MixtureQuantity[]) mixture[q] = b.y[q];
  return {
    x: b.k.map((k) => k * o.binWidth),
    count: b.count,
    rpm: b.y.rpm,
    power: b.y.power,
    torque: b.y.torque,
    mixture,
  };
}

function smoothed(raw: CurveSet, level: number): CurveSet {
  const mixture: CurveSet['mixture'] = {};
  for (const [q, values] of Object.entries(raw.mixture)) mixture[q as MixtureQuantity] = smoothCurve(values, level);
  return { ...raw, power: smoothCurve(raw.power, level), torque: smoothCurve(raw.torque, level), mixture };
}

function peaksOf(c: CurveSet): CurvePeaks {
  const at = (p: Peak | null): PeakAt | null => (p ? { ...p, rpm: c.rpm[c.x.indexOf(p.x)] } : null);
  return { power: at(findPeak(c.x, c.power)), torque: at(findPeak(c.x, c.torque)) };
}

/**
 * A run's power and torque curves (and AFR per bank) under one correction standard and smoothing level: the pull's
 * raw points, binned on the x grid, peaks from the smoothed and the raw bins, the factor and the air it came from.
 */
export function computeRunCurves(series: RunSeries, options: CurveOptions = {}): RunCurves {
  const o = resolveCurveOptions(options);
  const units = curveUnits(o.units);
  const pull = extractPull(series);
  const atmosphere = o.atmosphere ? { ...o.atmosphere, sources: 'given' as const } : runAtmosphere(series);
  const correction = correctionFactor(o.correction, atmosphere);
  const cf = correction.factor;
  const raw = binned(pull, o, units, cf);
  const curves = smoothed(raw, o.smoothing);
  const list = (a: Float64Array, f = 1) => Array.from(a, (v) => v * f);
  return {
    x: o.x,
    binWidth: o.binWidth,
    smoothing: o.smoothing,
    units,
    correction,
    atmosphere,
    curves,
    raw,
    peaks: { smoothed: peaksOf(curves), raw: peaksOf(raw) },
    points: {
      tMs: list(pull.tMs),
      rpm: list(pull.rpm),
      speed: pull.speedKmh ? list(pull.speedKmh, units.speedFactor) : null,
      power: list(pull.powerKw, cf * units.powerFactor),
      torque: list(pull.torqueNm, cf * units.torqueFactor),
    },
    sources: pull.sources,
  };
}
