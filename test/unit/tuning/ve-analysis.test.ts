import { describe, expect, it } from 'vitest';
import {
  type AnalysisSample,
  DEFAULT_VE_ANALYSIS_SETTINGS,
  type VeAnalysisSettings,
  VeAnalysis,
} from '../../../server/tuning/index.js';
import { mulberry32 } from '../protocol/mulberry32.js';

// A 3 × 3 grid: rpm 2000/3000/4000, MAP 40/60/80 kPa; cell k = rpmIndex × 3 + loadIndex.
const AXES = { rpm: [2000, 3000, 4000], load: [40, 60, 80] };
const TARGET = 13;
/** Every filter off: a test turns on the one it is about. */
const OPEN: VeAnalysisSettings = {
  ...DEFAULT_VE_ANALYSIS_SETTINGS,
  warmupTempC: null,
  steadyWindowMs: 0,
  lagMs: 0,
  fuelCutAfr: null,
  minHits: 1,
};

function analysis(settings: Partial<VeAnalysisSettings> = {}, veTable = new Array(9).fill(0.8), banks = 1): VeAnalysis {
  return new VeAnalysis({
    axes: AXES,
    veTable,
    afrTarget: new Array(9).fill(TARGET),
    banks,
    settings: { ...OPEN, ...settings },
  });
}

function sample(
  t: number,
  rpm: number,
  load: number,
  afr: number | number[],
  extra: Partial<AnalysisSample> = {},
): AnalysisSample {
  return { t, rpm, load, tps: 50, engineTempC: 90, afr: Array.isArray(afr) ? afr : [afr], ...extra };
}

describe('VeAnalysis filters', () => {
  it('counts every refused sample under its filter and accepts the rest', () => {
    const a = analysis({ warmupTempC: 60, fuelCutAfr: 18, closedThrottlePct: 3, afrMin: 10, afrMax: 20 });
    a.push(sample(0, 3000, 60, 13));
    a.push(sample(10, 3000, 60, 13, { engineTempC: 40 })); // cold
    a.push(sample(20, 3000, 60, 13, { engineTempC: Number.NaN })); // unknown temperature: cold too
    a.push(sample(5, 3000, 60, 13)); // time went back
    a.push(sample(30, Number.NaN, 60, 13)); // invalid
    a.push(sample(40, 3000, 60, 21, { tps: 1 })); // closed throttle, lean: fuel cut
    a.push(sample(50, 3000, 60, 21)); // open throttle, beyond the sensor range
    a.push(sample(60, 9000, 60, 13)); // off the table
    a.push(sample(70, 3000, 60, 13));
    expect(a.counts()).toEqual({
      samples: 9,
      accepted: 2,
      invalid: 2,
      cold: 2,
      history: 0,
      transient: 0,
      fuelCut: 1,
      outsideGrid: 1,
      afrRange: 1,
      bankReadingsOutOfRange: 1,
    });
  });

  it('keeps a sample with one bad bank for the other bank', () => {
    const a = analysis({}, undefined, 2);
    a.push(sample(0, 3000, 60, [13, 30]));
    expect(a.counts()).toMatchObject({ accepted: 1, afrRange: 0, bankReadingsOutOfRange: 1 });
    const [front, rear] = a.results();
    expect(front.hits[4]).toBe(1);
    expect(rear.hits[4]).toBe(0);
  });

  it('refuses samples while rpm or load move faster than the steady-state limits', () => {
    const a = analysis({ steadyWindowMs: 100, maxRpmRatePerS: 1000, maxLoadRatePerS: 20 });
    for (let t = 0; t <= 100; t += 10) a.push(sample(t, 3000, 60, 13)); // the first 100 ms: no window yet
    expect(a.counts()).toMatchObject({ history: 10, accepted: 1 });
    for (let t = 110; t <= 300; t += 10) a.push(sample(t, 3000 + (t - 100) * 5, 60, 13)); // 5000 rpm/s
    expect(a.counts().transient).toBeGreaterThan(15);
    const accepted = a.counts().accepted;
    for (let t = 310; t <= 600; t += 10) a.push(sample(t, 4000 + (t - 300) * 0.5, 60, 13)); // 500 rpm/s
    expect(a.counts().accepted - accepted).toBeGreaterThan(15);
  });

  it('counts a hole in the data longer than maxGapMs as missing history', () => {
    const a = analysis({ lagMs: 100, maxGapMs: 50 });
    for (let t = 0; t <= 200; t += 10) a.push(sample(t, 3000, 60, 13));
    const before = a.counts();
    a.push(sample(1000, 3000, 60, 13)); // looks back to 900: between 200 and 1000, a hole
    expect(a.counts().history).toBe(before.history + 1);
  });

  it('pairs a reading with the operating point lagMs earlier', () => {
    const a = analysis({ lagMs: 100 });
    // 2000 rpm until t = 500, then 4000 rpm; the lean readings arrive 100 ms after the step.
    for (let t = 0; t <= 1000; t += 10) a.push(sample(t, t < 500 ? 2000 : 4000, 60, t < 600 ? 13 : 14.3));
    const [bank] = a.results();
    // Row 2000 (cell 1) saw only on-target readings, row 4000 (cell 7) only lean ones.
    expect(bank.afrErrorMean[1]).toBeCloseTo(0, 10);
    expect(bank.afrErrorMean[7]).toBeCloseTo(1.3, 10);
    expect(bank.afrErrorStd[7]).toBeCloseTo(0, 10);
  });

  it('without the lag, the same readings are blamed on the wrong row', () => {
    const a = analysis({ lagMs: 0 });
    for (let t = 0; t <= 1000; t += 10) a.push(sample(t, t < 500 ? 2000 : 4000, 60, t < 600 ? 13 : 14.3));
    expect(a.results()[0].afrErrorStd[7]).toBeGreaterThan(0.3);
  });

  it('sizes its ring by the lag, so a faster stream than maxSampleRateHz is counted, never buffered', () => {
    const a = analysis({ lagMs: 100, maxSampleRateHz: 100 });
    for (let t = 0; t <= 1000; t += 1) a.push(sample(t, 3000, 60, 13)); // 1 kHz
    expect(a.counts().accepted).toBe(0);
    expect(a.counts().history).toBe(1001);
  });
});

describe('VeAnalysis weighting', () => {
  it('bilinear: spreads a sample over its four neighbours with the ECU weights', () => {
    const a = analysis({ weighting: 'bilinear' });
    a.push(sample(0, 2250, 45, 14)); // rpm 1/4 of the way to 3000, MAP 1/4 of the way to 60
    const [bank] = a.results();
    expect(bank.weight[0]).toBeCloseTo(0.75 * 0.75, 12);
    expect(bank.weight[1]).toBeCloseTo(0.75 * 0.25, 12);
    expect(bank.weight[3]).toBeCloseTo(0.25 * 0.75, 12);
    expect(bank.weight[4]).toBeCloseTo(0.25 * 0.25, 12);
    expect([...bank.hits]).toEqual([1, 1, 0, 1, 1, 0, 0, 0, 0]);
  });

  it('nearest: puts the whole sample into the nearest cell', () => {
    const a = analysis({ weighting: 'nearest' });
    a.push(sample(0, 2250, 45, 14));
    a.push(sample(10, 2600, 52, 14)); // past half-way on both axes: cell (3000, 60)
    const [bank] = a.results();
    expect([...bank.hits]).toEqual([1, 0, 0, 0, 1, 0, 0, 0, 0]);
    expect(bank.weight[0]).toBe(1);
  });

  it('bilinear least squares recovers the exact table from noise-free readings between the nodes', () => {
    const table = [0.6, 0.7, 0.8, 0.65, 0.75, 0.85, 0.7, 0.8, 0.9];
    const truth = table.map((v, k) => v * (1 + ((k % 4) - 1.5) * 0.04)); // −6 % … +6 %
    const a = analysis({ weighting: 'bilinear', minHits: 3, maxCorrectionPct: 50, priorWeight: 1e-6 }, table);
    const read = (t: number[], rpm: number, load: number): number => {
      const fr = (rpm - 2000) / 1000;
      const fl = (load - 40) / 20;
      const r0 = Math.min(1, Math.floor(fr));
      const l0 = Math.min(1, Math.floor(fl));
      const [x, y] = [fr - r0, fl - l0];
      const k = r0 * 3 + l0;
      return t[k] * (1 - x) * (1 - y) + t[k + 1] * (1 - x) * y + t[k + 3] * x * (1 - y) + t[k + 4] * x * y;
    };
    const rng = mulberry32(7);
    for (let i = 0; i < 400; i++) {
      const rpm = 2000 + rng() * 2000;
      const load = 40 + rng() * 40;
      a.push(sample(i * 10, rpm, load, (TARGET * read(truth, rpm, load)) / read(table, rpm, load)));
    }
    const [bank] = a.results();
    for (let k = 0; k < 9; k++) expect(bank.suggestedVe[k]).toBeCloseTo(truth[k], 3);
  });

  it('nearest: suggests the mean measured / target ratio of the cell', () => {
    const a = analysis({ weighting: 'nearest', minHits: 2 });
    a.push(sample(0, 3000, 60, 13 * 1.04));
    a.push(sample(10, 3000, 60, 13 * 1.06));
    const [bank] = a.results();
    expect(bank.changePct[4]).toBeCloseTo(5, 10);
    expect(bank.suggestedVe[4]).toBeCloseTo(0.84, 10);
  });
});

describe('VeAnalysis suggestions', () => {
  it('clamps the change to ± maxCorrectionPct and flags the cell', () => {
    const a = analysis({ weighting: 'nearest', maxCorrectionPct: 15, afrMin: 5 });
    a.push(sample(0, 3000, 60, 13 * 1.4));
    a.push(sample(10, 2000, 40, 13 * 0.5));
    const [bank] = a.results();
    expect(bank.changePct[4]).toBeCloseTo(15, 10);
    expect(bank.changePct[0]).toBeCloseTo(-15, 10);
    expect(bank.clamped[4]).toBe(1);
    expect(bank.clamped[0]).toBe(1);
  });

  it('shows a cell below minHits (hits, AFR error) but suggests nothing for it', () => {
    const a = analysis({ weighting: 'nearest', minHits: 3 });
    a.push(sample(0, 3000, 60, 14));
    a.push(sample(10, 3000, 60, 14));
    let bank = a.results()[0];
    expect(bank.hits[4]).toBe(2);
    expect(bank.afrErrorMean[4]).toBeCloseTo(1, 10);
    expect(bank.suggestedVe[4]).toBeNaN();
    expect(bank.changePct[4]).toBeNaN();
    a.push(sample(20, 3000, 60, 14));
    bank = a.results()[0];
    expect(bank.changePct[4]).toBeCloseTo((14 / 13 - 1) * 100, 10);
  });

  it('takes the mean and spread of the AFR error (Welford)', () => {
    const a = analysis({ weighting: 'nearest' });
    for (const [i, afr] of [12, 13, 14, 15].entries()) a.push(sample(i * 10, 3000, 60, afr));
    const [bank] = a.results();
    expect(bank.afrErrorMean[4]).toBeCloseTo(0.5, 12);
    expect(bank.afrErrorStd[4]).toBeCloseTo(Math.sqrt(1.25), 12);
  });

  it('reset() empties the grid and the counters', () => {
    const a = analysis();
    a.push(sample(0, 3000, 60, 14));
    a.reset();
    expect(a.counts().samples).toBe(0);
    expect(a.results()[0].hits[4]).toBe(0);
    expect(a.operatingPoint).toBeNull();
  });

  it('refuses tables and axes that do not fit, naming them', () => {
    expect(() => analysis({}, [1, 2, 3])).toThrow(/veTable: expected 9 cells/);
    expect(() => analysis({}, [0.8, 0.8, 0.8, 0.8, 0, 0.8, 0.8, 0.8, 0.8])).toThrow(/veTable\[4\]/);
    expect(
      () =>
        new VeAnalysis({
          axes: { rpm: [2000, 1000], load: [40, 60] },
          veTable: [1, 1, 1, 1],
          afrTarget: [13, 13, 13, 13],
          banks: 1,
          settings: OPEN,
        }),
    ).toThrow(/rpm axis\[1\]: 1000 is not above 2000/);
  });
});
