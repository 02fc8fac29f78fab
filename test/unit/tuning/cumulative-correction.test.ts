import { describe, expect, it } from 'vitest';
import { applyCorrections } from '../../../server/tuning/apply-corrections.js';
import { cumulativeCorrectionPct } from '../../../server/tuning/cumulative-correction.js';
import { createBaselineVeTable, GRID_CELLS } from '../../../server/tuning/ve-grid.js';

const filled = (v: number): Float64Array => new Float64Array(GRID_CELLS).fill(v);

describe('cumulativeCorrectionPct', () => {
  it('compounds the factors rather than summing their percents', () => {
    // +10 % then −10 %: the table ends 1 % lower, not where it started.
    const out = cumulativeCorrectionPct([filled(1.1), filled(0.9)]);
    expect(out[0]).toBeCloseTo(-1, 10);
    expect(out[GRID_CELLS - 1]).toBeCloseTo(-1, 10);
  });

  it('keeps each cell its own', () => {
    const a = filled(1);
    const b = filled(1);
    a[7] = 1.08;
    b[7] = 1.05;
    b[40] = 0.97;
    const out = cumulativeCorrectionPct([a, b]);
    expect(out[7]).toBeCloseTo(13.4, 10);
    expect(out[40]).toBeCloseTo(-3, 10);
    expect(out[0]).toBe(0);
  });

  it('is the change applyCorrections made to the table where the clamp does not bite', () => {
    const start = createBaselineVeTable();
    const steps = [filled(1.04), filled(1.03), filled(0.99)];
    const end = steps.reduce((ve, c) => applyCorrections(ve, c), start);
    const out = cumulativeCorrectionPct(steps);
    for (const i of [0, 50, GRID_CELLS - 1]) expect(out[i]).toBeCloseTo((end[i] / start[i] - 1) * 100, 9);
  });

  it('is zero everywhere when no iteration applied a correction, and leaves its inputs alone', () => {
    expect([...cumulativeCorrectionPct([])].every((v) => v === 0)).toBe(true);
    const input = filled(1.2);
    cumulativeCorrectionPct([input, input]);
    expect(input[0]).toBe(1.2);
  });
});
