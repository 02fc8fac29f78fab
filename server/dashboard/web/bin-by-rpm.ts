import type { PullPoint } from './create-pull-tracker.js';

// A pull's raw points wander back and forth by a few RPM; uPlot wants ascending x. Averaging into fixed RPM bins
// gives ascending x and smooths sensor noise the way dyno software draws its curves.

export interface BinnedPull {
  rpm: number[];
  power: number[];
  torque: number[];
}

export function binByRpm(points: readonly PullPoint[], binRpm: number): BinnedPull {
  if (!(binRpm > 0)) throw new Error(`binRpm must be > 0, got ${binRpm}`);
  const sums = new Map<number, { n: number; rpm: number; power: number; torque: number }>();
  for (const p of points) {
    const bin = Math.round(p.rpm / binRpm);
    const s = sums.get(bin);
    if (s) {
      s.n++;
      s.rpm += p.rpm;
      s.power += p.power;
      s.torque += p.torque;
    } else {
      sums.set(bin, { n: 1, rpm: p.rpm, power: p.power, torque: p.torque });
    }
  }
  const bins = [...sums.keys()].sort((a, b) => a - b);
  const out: BinnedPull = { rpm: [], power: [], torque: [] };
  for (const bin of bins) {
    const s = sums.get(bin)!;
    out.rpm.push(s.rpm / s.n);
    out.power.push(s.power / s.n);
    out.torque.push(s.torque / s.n);
  }
  return out;
}
