import { describe, expect, it } from 'vitest';
import type { AfrErrorMetrics } from '../../../server/tuning/afr-error-metrics.js';
import { isConverged, isOscillating } from '../../../server/tuning/judge-convergence.js';

const opts = { thresholdAfr: 0.3, convergenceCellPct: 90, oscillationRiseAfr: 0.1 };
const m = (maxAfrError: number, cellsConverged: number, cellsJudged: number): AfrErrorMetrics => ({
  maxAfrError,
  meanAfrError: 0,
  rmsAfrError: 0,
  cellsHit: cellsJudged,
  cellsJudged,
  cellsConverged,
  coveragePct: 0,
});

describe('isConverged', () => {
  it.each([
    ['all judged cells within, max below', m(0.29, 50, 50), true],
    ['max exactly at the threshold is not below it', m(0.3, 50, 50), false],
    ['max above', m(0.31, 49, 50), false],
    ['share below 90 %', m(0.2, 44, 50), false],
    ['share exactly 90 %', m(0.2, 45, 50), true],
    ['nothing judged', m(0, 0, 0), false],
  ])('%s → %s', (_name, metrics, expected) => {
    expect(isConverged(metrics, opts)).toBe(expected);
  });
});

describe('isOscillating', () => {
  it.each([
    ['fewer than three results', [1, 1.2], false],
    ['rising twice by more than 0.1', [1, 1.11, 1.22], true],
    ['rising twice, the second by only 0.05', [1, 1.2, 1.25], false],
    ['rising once then falling', [1, 1.5, 1.2], false],
    ['falling', [2, 1, 0.5], false],
    ['only the last two steps count', [3, 1, 1.2, 1.4], true],
  ])('%s → %s', (_name, errors, expected) => {
    expect(isOscillating(errors, opts)).toBe(expected);
  });
});
