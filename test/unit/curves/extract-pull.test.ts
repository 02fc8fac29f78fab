import { describe, expect, it } from 'vitest';
import { extractPull } from '../../../server/curves/extract-pull.js';
import type { RunSeries } from '../../../server/curves/index.js';

// The pull a run's curves come from: the positive-power stretch that climbs the most RPM, less its edge samples where
// another state borders them (they may be a mix of both: a resampled file's point between pulling and braking).

function series(rpm: number[], powerKw: number[]): RunSeries {
  const t = Float64Array.from(rpm, (_, i) => i * 20);
  return {
    channels: [
      { name: 'RPM', quantity: 'rpm', unit: 'RPM', t, v: Float64Array.from(rpm) },
      { name: 'Power', quantity: 'power', unit: 'kW', t, v: Float64Array.from(powerKw) },
    ],
  };
}

describe('extractPull', () => {
  it('leaves out the samples at the stretch’s ends that border idle or the brake', () => {
    // idle, the pull (power 10→80), a point read half-way into the brake (+71), the brake.
    const rpm = [900, 905, 1000, 1200, 1400, 1600, 1800, 1805, 1790, 1700];
    const power = [0.1, 0, 10, 30, 50, 70, 80, 71, -197, -196];
    const pull = extractPull(series(rpm, power));
    expect(Array.from(pull.rpm)).toEqual([1200, 1400, 1600, 1800]);
    expect(Array.from(pull.powerKw)).toEqual([30, 50, 70, 80]);
    expect(Array.from(pull.tMs)).toEqual([60, 80, 100, 120]);
  });

  it('keeps a first or last sample that is the series’ own end (nothing beside it to be mixed with)', () => {
    const pull = extractPull(series([1000, 1200, 1400, 1600], [10, 30, 50, 70]));
    expect(Array.from(pull.rpm)).toEqual([1000, 1200, 1400, 1600]);
  });

  it('picks the stretch that climbs the most RPM, and refuses a run whose stretch is too short once trimmed', () => {
    const two = extractPull(
      series([1000, 1500, 2000, 1000, 1000, 1100, 1200, 1300, 1400, 1000], [0, 5, 5, 0, 0, 9, 9, 9, 9, 0]),
    );
    expect(Array.from(two.rpm)).toEqual([1200, 1300]);
    expect(() => extractPull(series([900, 1000, 1100, 900], [0, 5, 5, 0]))).toThrow(/no stretch of positive power/);
  });
});
