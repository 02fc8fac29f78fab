import { describe, expect, it } from 'vitest';
import { runAccuracy } from '../../support/analysis-accuracy.js';

// Against the truth the simulator injected: the lean and rich scenarios (VE table off by N(∓10, 5) % per cell), ten
// pulls at 100/80/60/40/20 % throttle run faster than real time at 50 Hz, the wideband 100 ms late. The mean absolute
// error between the suggested and the true correction, over the cells with at least minHits, must be ≤ 1.5 %.
const MAE_BOUND_PCT = 1.5;

describe('live VE analysis accuracy (fixed seed)', () => {
  it.each(['lean', 'rich'] as const)('%s scenario on the m8_114: bilinear within the bound', (scenario) => {
    const result = runAccuracy({ profile: 'm8_114', scenario, weighting: 'bilinear', pulls: 10, seed: 42 });
    const last = result.points.at(-1);
    expect(last).toBeDefined();
    expect(last?.maePct).toBeLessThanOrEqual(MAE_BOUND_PCT);
    // The figure is over a real share of the table, not a handful of cells.
    expect(last?.coveredPct).toBeGreaterThan(50);
    // Every kind of sample the pulls produce is accounted for.
    const c = result.analysis.counts();
    expect(c.accepted + c.invalid + c.cold + c.history + c.transient + c.fuelCut + c.outsideGrid + c.afrRange).toBe(
      c.samples,
    );
    expect(c.fuelCut).toBeGreaterThan(0);
  });

  it('the lag compensation matters: without it the same data is further off', () => {
    const on = runAccuracy({ profile: 'm8_114', scenario: 'lean', weighting: 'bilinear', pulls: 10 });
    const off = runAccuracy({
      profile: 'm8_114',
      scenario: 'lean',
      weighting: 'bilinear',
      pulls: 10,
      settings: { lagMs: 0 },
    });
    expect(off.points.at(-1)?.maePct).toBeGreaterThan(on.points.at(-1)?.maePct ?? Number.POSITIVE_INFINITY);
  });
});
