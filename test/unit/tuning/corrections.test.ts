import { describe, expect, it } from 'vitest';
import { cellIndex, createAfrTargetTable, GRID_CELLS, VE_MAX, VE_MIN } from '../../../server/tuning/ve-grid.js';
import { afrErrorMetrics } from '../../../server/tuning/afr-error-metrics.js';
import { applyCorrections } from '../../../server/tuning/apply-corrections.js';
import { binSample, createCellBins } from '../../../server/tuning/cell-bins.js';
import { computeCorrections } from '../../../server/tuning/compute-corrections.js';
import { DEFAULT_TUNING_OPTIONS } from '../../../server/tuning/tuning-options.js';

const target = createAfrTargetTable();
// Target at 60 kPa is 14 − 1.5 × 40/80 = 13.25; at 100 kPa 12.5.
const AT60 = 13.25;

function binsWith(samples: { rpm: number; map: number; afrFront: number; afrRear: number }[]) {
  const bins = createCellBins();
  for (const s of samples) binSample(bins, target, s);
  return bins;
}
const times = <T>(n: number, v: T): T[] => Array.from({ length: n }, () => v);

describe('binSample', () => {
  it('counts hits per cell, drops off-grid and non-finite samples', () => {
    const bins = binsWith([
      { rpm: 3000, map: 60, afrFront: 13, afrRear: 13 },
      { rpm: 3100, map: 62, afrFront: 13, afrRear: 13 },
      { rpm: 9000, map: 60, afrFront: 13, afrRear: 13 },
      { rpm: 3000, map: 60, afrFront: Number.NaN, afrRear: 13 },
    ]);
    expect(bins.hits[cellIndex(3, 4)]).toBe(2);
    expect(bins.total).toBe(4);
    expect(bins.dropped).toBe(2);
  });

  it('takes the error against the target at the sample point, not the node', () => {
    // 64 kPa is binned to the 60 kPa node; its own target is 14 − 1.5 × 44/80 = 13.175.
    const bins = binsWith([{ rpm: 3000, map: 64, afrFront: 13.175, afrRear: 13.175 }]);
    expect(bins.front.errSum[cellIndex(3, 4)]).toBeCloseTo(0, 12);
  });
});

describe('computeCorrections', () => {
  it.each([
    // measured front, measured rear, hits, expected front multiplier, expected rear multiplier
    ['lean front, on-target rear', AT60 * 1.1, AT60, 3, 1.1, 1],
    ['rich both', AT60 * 0.95, AT60 * 0.92, 5, 0.95, 0.92],
    ['clamped to +15 %', AT60 * 1.4, AT60 * 0.5, 3, 1.15, 0.85],
    ['under 3 hits: untouched', AT60 * 1.1, AT60 * 1.1, 2, 1, 1],
    ['inside the 0.5 % deadband: untouched', AT60 * 1.004, AT60 * 0.996, 4, 1, 1],
  ] as const)('%s', (_name, front, rear, hits, expFront, expRear) => {
    const bins = binsWith(times(hits, { rpm: 3000, map: 60, afrFront: front, afrRear: rear }));
    const c = computeCorrections(bins, DEFAULT_TUNING_OPTIONS);
    const cell = cellIndex(3, 4);
    expect(c.front[cell]).toBeCloseTo(expFront, 10);
    expect(c.rear[cell]).toBeCloseTo(expRear, 10);
    // Nothing else moves.
    for (let i = 0; i < GRID_CELLS; i++) if (i !== cell) expect(c.front[i]).toBe(1);
    expect(c.cellsCorrected).toBe(expFront !== 1 || expRear !== 1 ? 1 : 0);
  });

  it('reports max and mean |correction| in percent over the applied ones, and the clamped cells', () => {
    const bins = binsWith([
      ...times(3, { rpm: 2000, map: 60, afrFront: AT60 * 1.1, afrRear: AT60 * 1.02 }),
      ...times(3, { rpm: 4000, map: 60, afrFront: AT60 * 1.3, afrRear: AT60 }),
    ]);
    const c = computeCorrections(bins, { ...DEFAULT_TUNING_OPTIONS, maxCorrectionPct: 15 });
    expect(c.maxCorrectionPct).toBeCloseTo(15, 8);
    expect(c.meanCorrectionPct).toBeCloseTo((10 + 2 + 15) / 3, 8);
    expect(c.cellsCorrected).toBe(2);
    expect(c.cellsClamped).toBe(1);
  });
});

describe('applyCorrections', () => {
  it('multiplies per cell and keeps VE in [0.3, 1.5] without touching the input', () => {
    const ve = new Float64Array(GRID_CELLS).fill(0.8);
    ve[1] = 1.4;
    ve[2] = 0.32;
    const corr = new Float64Array(GRID_CELLS).fill(1);
    corr[0] = 1.1;
    corr[1] = 1.15;
    corr[2] = 0.85;
    const out = applyCorrections(ve, corr);
    expect(out[0]).toBeCloseTo(0.88, 12);
    expect(out[1]).toBe(VE_MAX);
    expect(out[2]).toBe(VE_MIN);
    expect(out[3]).toBe(0.8);
    expect(ve[0]).toBe(0.8);
  });
});

describe('afrErrorMetrics', () => {
  it('judges cells with ≥ 3 hits by their mean error, counts coverage over all hit cells', () => {
    const bins = binsWith([
      // judged, +0.2 / −0.1: converged at 0.3
      ...times(3, { rpm: 2000, map: 60, afrFront: AT60 + 0.2, afrRear: AT60 - 0.1 }),
      // judged, front +0.5: not converged
      ...times(4, { rpm: 3000, map: 60, afrFront: AT60 + 0.5, afrRear: AT60 }),
      // hit twice: coverage only
      ...times(2, { rpm: 5000, map: 60, afrFront: AT60 + 3, afrRear: AT60 + 3 }),
    ]);
    const m = afrErrorMetrics(bins, DEFAULT_TUNING_OPTIONS);
    expect(m.cellsHit).toBe(3);
    expect(m.cellsJudged).toBe(2);
    expect(m.cellsConverged).toBe(1);
    expect(m.maxAfrError).toBeCloseTo(0.5, 10);
    expect(m.meanAfrError).toBeCloseTo(((0.2 + 0.1) / 2 + (0.5 + 0) / 2) / 2, 10);
    expect(m.rmsAfrError).toBeCloseTo(Math.sqrt(((0.04 + 0.01) / 2 + 0.25 / 2) / 2), 10);
    expect(m.coveragePct).toBeCloseTo((3 / 99) * 100, 10);
  });

  it('is all zeros (and judges nothing) for empty bins', () => {
    const m = afrErrorMetrics(createCellBins(), DEFAULT_TUNING_OPTIONS);
    expect(m).toEqual({
      maxAfrError: 0,
      meanAfrError: 0,
      rmsAfrError: 0,
      cellsHit: 0,
      cellsJudged: 0,
      cellsConverged: 0,
      coveragePct: 0,
    });
  });
});
