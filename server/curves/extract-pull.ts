import { CurvesError } from './curves-error.js';
import { findChannel } from './find-channel.js';
import { interpolateAt } from './interpolate-at.js';
import type { RunSeries } from './types.js';

// A run holds more than the pull: idle before it, the brake after it, sometimes several pulls. An inertia dyno's power
// is drum inertia × acceleration × speed, so the engine is pulling exactly while the power reads positive; the pull
// is the stretch of positive power (above a small share of the run's peak, so idle noise does not count) that
// climbs the most RPM. Every channel is read at the RPM channel's sample times.
//
// The stretch's first and last samples are left out where a non-pulling sample borders them. Such an edge sample may
// straddle the change of state: a file resampled at a fixed step (the CSV time export, 50 ms over a 50 Hz run) has,
// between the last pulling sample (say +78 kW) and the first braking one (-197 kW), a point read off the line that
// joins them (+71 kW, at the pull's top RPM), and a sensor sampling while the brake comes on does the same. Kept, that
// one point is the whole top bin of one run and not of the other: an export imported back differed from its run by
// up to 10 % of the peak there. Left out on every run alike, the two agree at both ends; it costs one sample a side.

/** Samples below this share of the run's peak power are not pulling (idle noise, the brake). */
const PULLING_SHARE = 0.02;
const RAD_PER_S_PER_RPM = (2 * Math.PI) / 60;

/** The mixture quantities reported per bank. */
export const MIXTURE_QUANTITIES = ['afr_front', 'afr_rear', 'lambda_front', 'lambda_rear'] as const;
export type MixtureQuantity = (typeof MIXTURE_QUANTITIES)[number];

/** The pull's raw points in wire units, one per RPM sample. */
export interface PullPoints {
  tMs: Float64Array;
  rpm: Float64Array;
  /** Road (drum) speed, km/h; null when the run has no speed channel. */
  speedKmh: Float64Array | null;
  powerKw: Float64Array;
  torqueNm: Float64Array;
  /** AFR or λ per bank, for the banks the run has. */
  mixture: Partial<Record<MixtureQuantity, Float64Array>>;
  /** Which channel each figure was read from (power or torque may be computed from the other). */
  sources: Record<string, string>;
}

function powerAndTorque(series: RunSeries, times: Float64Array, rpm: Float64Array) {
  const power = findChannel(series, 'power');
  const torque = findChannel(series, 'torque');
  if (!power && !torque) {
    throw new CurvesError('NO_PULL_DATA', 'the run has no channel mapped to power or torque', { field: 'power' });
  }
  const omega = (i: number) => rpm[i] * RAD_PER_S_PER_RPM;
  const powerKw = power ? interpolateAt(power.t, power.v, times) : new Float64Array(times.length);
  const torqueNm = torque ? interpolateAt(torque.t, torque.v, times) : new Float64Array(times.length);
  for (let i = 0; i < times.length; i++) {
    if (!power) powerKw[i] = (torqueNm[i] * omega(i)) / 1000;
    if (!torque) torqueNm[i] = omega(i) > 0 ? (powerKw[i] * 1000) / omega(i) : Number.NaN;
  }
  const sources: Record<string, string> = {
    power: power ? power.name : `computed from ${torque?.name}`,
    torque: torque ? torque.name : `computed from ${power?.name}`,
  };
  return { powerKw, torqueNm, sources };
}

/** [start, end) of the positive-power stretch that gains the most RPM, less its edge samples that border another state. */
function pullRange(powerKw: Float64Array, rpm: Float64Array): [number, number] {
  let peak = 0;
  for (const p of powerKw) if (p > peak) peak = p;
  const floor = peak * PULLING_SHARE;
  const n = powerKw.length;
  let best: [number, number] = [0, 0];
  let bestGain = Number.NEGATIVE_INFINITY;
  let start = -1;
  for (let i = 0; i <= n; i++) {
    const pulling = i < n && powerKw[i] > floor && Number.isFinite(rpm[i]);
    if (pulling && start < 0) start = i;
    if (!pulling && start >= 0) {
      // A sample at either end of the series has no neighbour on that side to be mixed with.
      const [from, to] = [start > 0 ? start + 1 : start, i < n ? i - 1 : i];
      const gain = to > from ? rpm[to - 1] - rpm[from] : Number.NEGATIVE_INFINITY;
      if (gain > bestGain) [best, bestGain] = [[from, to], gain];
      start = -1;
    }
  }
  return best;
}

/** The run's pull: RPM, speed, power, torque and mixture at each RPM sample of the pulling stretch. */
export function extractPull(series: RunSeries): PullPoints {
  const rpmChannel = findChannel(series, 'rpm');
  if (!rpmChannel) throw new CurvesError('NO_PULL_DATA', 'the run has no channel mapped to rpm', { field: 'rpm' });
  const { t: times, v: rpm } = rpmChannel;
  const { powerKw, torqueNm, sources } = powerAndTorque(series, times, rpm);
  const [from, to] = pullRange(powerKw, rpm);
  if (to - from < 2) {
    throw new CurvesError('NO_PULL_DATA', 'the run has no stretch of positive power (no pull) to analyse', {
      field: 'power',
    });
  }
  const slice = (a: Float64Array) => a.slice(from, to);
  const speed = findChannel(series, 'speed');
  const mixture: Partial<Record<MixtureQuantity, Float64Array>> = {};
  for (const q of MIXTURE_QUANTITIES) {
    const c = findChannel(series, q);
    if (!c) continue;
    mixture[q] = slice(interpolateAt(c.t, c.v, times));
    sources[q] = c.name;
  }
  if (speed) sources.speed = speed.name;
  return {
    tMs: slice(times),
    rpm: slice(rpm),
    speedKmh: speed ? slice(interpolateAt(speed.t, speed.v, times)) : null,
    powerKw: slice(powerKw),
    torqueNm: slice(torqueNm),
    mixture,
    sources: { rpm: rpmChannel.name, ...sources },
  };
}
