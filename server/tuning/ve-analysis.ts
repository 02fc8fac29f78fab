import type { AnalysisCounts } from '@jetdrive-hub/client/contract';
import {
  type AnalysisAxes,
  type AxisPosition,
  bilinearWeights,
  type CellWeights,
  cellCount,
  checkAxis,
  nearestOf,
  readWeighted,
} from './analysis-axes.js';
import { BankCells } from './bank-cells.js';
import { type OpPoint, OpPointRing } from './op-point-ring.js';
import { createFitScratch, type FitScratch, solveVeFit } from './solve-ve-fit.js';
import { opRingCapacity, type VeAnalysisSettings } from './ve-analysis-settings.js';

/** One reading of every input at one time; the caller may reuse the object (nothing is kept from it). */
export interface AnalysisSample {
  /** ms, non-decreasing. */
  t: number;
  rpm: number;
  /** MAP kPa or TPS %, whichever the table's load axis is. */
  load: number;
  /** Throttle %, for the fuel-cut test (NaN when unknown: the fuel-cut test is then skipped). */
  tps: number;
  /** °C (NaN when unknown: the warm-up filter then rejects it). */
  engineTempC: number;
  /** Measured AFR per bank (NaN for a bank without a reading). */
  afr: ArrayLike<number>;
}

/** What the filters did (the wire's AnalysisCounts). */
export type VeAnalysisCounts = AnalysisCounts;

export interface VeAnalysisInput {
  axes: AnalysisAxes;
  /** The current VE table on the axes (row-major by rpm), in any unit: suggestions scale it. */
  veTable: ArrayLike<number>;
  /** A bank's own current VE table (one per cylinder or bank), on the same axes; absent or null: veTable. */
  bankVeTables?: readonly (ArrayLike<number> | null | undefined)[];
  /** Target AFR on the axes. */
  afrTarget: ArrayLike<number>;
  /** Banks (cylinders or wideband sensors), 1..8. */
  banks: number;
  settings: VeAnalysisSettings;
}

/** One bank's grid; NaN where there is nothing to say (no samples, or below the minimum hits for a suggestion). */
export interface BankResult {
  readonly hits: Uint32Array;
  readonly weight: Float64Array;
  readonly afrErrorMean: Float64Array;
  readonly afrErrorStd: Float64Array;
  readonly suggestedVe: Float64Array;
  /** Suggested change in percent of the current value, clamped to ± maxCorrectionPct. */
  readonly changePct: Float64Array;
  /** 1 where the raw change exceeded the clamp. */
  readonly clamped: Uint8Array;
}

export const MAX_BANKS = 8;

function checkTable(name: string, t: ArrayLike<number>, cells: number, positive: boolean): void {
  if (t.length !== cells) throw new RangeError(`${name}: expected ${cells} cells (rpm × load), got ${t.length}`);
  for (let k = 0; k < cells; k++) {
    if (!Number.isFinite(t[k]) || (positive && !(t[k] > 0))) {
      throw new RangeError(`${name}[${k}]: ${t[k]} is not a ${positive ? 'positive' : 'finite'} number`);
    }
  }
}

function emptyResult(cells: number): BankResult {
  return {
    hits: new Uint32Array(cells),
    weight: new Float64Array(cells),
    afrErrorMean: new Float64Array(cells),
    afrErrorStd: new Float64Array(cells),
    suggestedVe: new Float64Array(cells),
    changePct: new Float64Array(cells),
    clamped: new Uint8Array(cells),
  };
}

function zeroCounts(): VeAnalysisCounts {
  return {
    samples: 0,
    accepted: 0,
    invalid: 0,
    cold: 0,
    history: 0,
    transient: 0,
    fuelCut: 0,
    outsideGrid: 0,
    afrRange: 0,
    bankReadingsOutOfRange: 0,
  };
}

/**
 * The live VE analysis, pure and incremental: push() does O(1) work per sample (a lookup in a ring bounded by the
 * lag, four cells per bank) and the state is sized by the grid, never by the run. results() turns the state into
 * suggestions (for bilinear weighting a least-squares solve over the grid); call it at display rate, not per sample.
 */
export class VeAnalysis {
  readonly axes: AnalysisAxes;
  readonly cells: number;
  readonly banks: number;
  readonly settings: Readonly<VeAnalysisSettings>;
  /** The shared current VE table (banks without their own use it). */
  readonly veTable: Float64Array;
  /** Each bank's current VE table (the shared one's array for banks without their own). */
  readonly veTables: readonly Float64Array[];
  readonly afrTarget: Float64Array;
  /** Bumped by every accepted sample (and reset): results() recomputes only when it moved. */
  #version = 0;
  #resultVersion = -1;
  #counts = zeroCounts();
  #lastT = Number.NEGATIVE_INFINITY;
  readonly #ring: OpPointRing;
  readonly #bank: BankCells[];
  readonly #results: BankResult[];
  readonly #fit: Float64Array[];
  readonly #scratch: FitScratch;
  #fitIterations = 0;
  readonly #now: OpPoint = { t: 0, rpm: 0, load: 0, tps: 0 };
  readonly #before: OpPoint = { t: 0, rpm: 0, load: 0, tps: 0 };
  readonly #r: AxisPosition = { i: 0, f: 0 };
  readonly #l: AxisPosition = { i: 0, f: 0 };
  readonly #w: CellWeights = { base: 0, w00: 0, w01: 0, w10: 0, w11: 0 };
  /** The latest valid sample's rpm and load (NaN before one): kept as numbers, no object per sample. */
  #opRpm = Number.NaN;
  #opLoad = Number.NaN;

  constructor(input: VeAnalysisInput) {
    checkAxis('rpm axis', input.axes.rpm);
    checkAxis('load axis', input.axes.load);
    if (!(Number.isInteger(input.banks) && input.banks >= 1 && input.banks <= MAX_BANKS)) {
      throw new RangeError(`banks: ${input.banks} is not a whole number from 1 to ${MAX_BANKS}`);
    }
    this.axes = { rpm: [...input.axes.rpm], load: [...input.axes.load] };
    this.cells = cellCount(this.axes);
    checkTable('veTable', input.veTable, this.cells, true);
    checkTable('afrTarget', input.afrTarget, this.cells, true);
    this.banks = input.banks;
    this.settings = Object.freeze({ ...input.settings });
    this.veTable = Float64Array.from(input.veTable);
    this.veTables = Array.from({ length: this.banks }, (_, b) => {
      const own = input.bankVeTables?.[b];
      if (own === null || own === undefined) return this.veTable;
      checkTable(`bankVeTables[${b}]`, own, this.cells, true);
      return Float64Array.from(own);
    });
    this.afrTarget = Float64Array.from(input.afrTarget);
    this.#ring = new OpPointRing(opRingCapacity(this.settings));
    const L = this.axes.load.length;
    this.#bank = Array.from({ length: this.banks }, () => new BankCells(this.cells, L));
    this.#results = Array.from({ length: this.banks }, () => emptyResult(this.cells));
    this.#fit = this.veTables.map((t) => Float64Array.from(t));
    this.#scratch = createFitScratch(this.cells);
  }

  get version(): number {
    return this.#version;
  }

  /** Conjugate-gradient iterations of the last bank's last solve (bilinear; a cost figure for benches and tests). */
  get fitIterations(): number {
    return this.#fitIterations;
  }

  counts(): VeAnalysisCounts {
    return { ...this.#counts };
  }

  /** Where the engine is now (the latest valid sample, not lag-shifted), or null before one. */
  get operatingPoint(): { rpm: number; load: number } | null {
    return Number.isNaN(this.#opRpm) ? null : { rpm: this.#opRpm, load: this.#opLoad };
  }

  reset(): void {
    for (const b of this.#bank) b.reset();
    for (let b = 0; b < this.banks; b++) this.#fit[b].set(this.veTables[b]);
    this.#ring.clear();
    this.#counts = zeroCounts();
    this.#lastT = Number.NEGATIVE_INFINITY;
    this.#opRpm = Number.NaN;
    this.#opLoad = Number.NaN;
    this.#version++;
  }

  /** Adds one sample: filtered (each refusal counted), lag-shifted, and binned per bank. */
  push(s: AnalysisSample): void {
    const c = this.#counts;
    c.samples++;
    if (!(Number.isFinite(s.t) && Number.isFinite(s.rpm) && Number.isFinite(s.load)) || s.t < this.#lastT) {
      c.invalid++;
      return;
    }
    this.#lastT = s.t;
    this.#ring.push(s.t, s.rpm, s.load, s.tps);
    this.#opRpm = s.rpm;
    this.#opLoad = s.load;
    const st = this.settings;
    if (st.warmupTempC !== null && !(s.engineTempC >= st.warmupTempC)) {
      c.cold++;
      return;
    }
    const now = this.#now;
    const before = this.#before;
    if (!this.#ring.at(s.t - st.lagMs, st.maxGapMs, now)) {
      c.history++;
      return;
    }
    if (st.steadyWindowMs > 0 && !this.#steady(now, before)) return;
    if (!this.#bin(s, now)) return;
    c.accepted++;
    this.#version++;
  }

  #steady(now: OpPoint, before: OpPoint): boolean {
    const st = this.settings;
    const c = this.#counts;
    if (!this.#ring.at(now.t - st.steadyWindowMs, st.maxGapMs, before)) {
      c.history++;
      return false;
    }
    const perS = 1000 / st.steadyWindowMs;
    const rpmRate = Math.abs(now.rpm - before.rpm) * perS;
    const loadRate = Math.abs(now.load - before.load) * perS;
    if (
      (st.maxRpmRatePerS !== null && rpmRate > st.maxRpmRatePerS) ||
      (st.maxLoadRatePerS !== null && loadRate > st.maxLoadRatePerS)
    ) {
      c.transient++;
      return false;
    }
    return true;
  }

  /** Bins the readings of every bank at the lag-shifted point; false when the sample fed no bank. */
  #bin(s: AnalysisSample, at: OpPoint): boolean {
    const st = this.settings;
    const c = this.#counts;
    const w = this.#w;
    if (!bilinearWeights(this.axes, at.rpm, at.load, this.#r, this.#l, w)) {
      c.outsideGrid++;
      return false;
    }
    const closed = at.tps < st.closedThrottlePct;
    const L = this.axes.load.length;
    const target = readWeighted(this.afrTarget, L, w);
    const nearest = st.weighting === 'nearest' ? nearestOf(L, w, this.#r, this.#l) : -1;
    let fed = false;
    let fuelCut = false;
    for (let b = 0; b < this.banks; b++) {
      const afr = s.afr[b];
      if (st.fuelCutAfr !== null && closed && afr > st.fuelCutAfr) {
        fuelCut = true;
        continue;
      }
      if (!(afr >= st.afrMin && afr <= st.afrMax)) {
        c.bankReadingsOutOfRange++;
        continue;
      }
      // What this bank's ECU table reads here: its own table when it has one.
      const tableVe = nearest >= 0 ? 0 : readWeighted(this.veTables[b], L, w);
      this.#observe(this.#bank[b], nearest, afr - target, afr / target, tableVe);
      fed = true;
    }
    if (!fed) {
      if (fuelCut) c.fuelCut++;
      else c.afrRange++;
    }
    return fed;
  }

  #observe(bank: BankCells, nearest: number, err: number, ratio: number, tableVe: number): void {
    const w = this.#w;
    if (nearest >= 0) {
      bank.observe(nearest, 1, err, ratio);
      return;
    }
    const L = this.axes.load.length;
    bank.observe(w.base, w.w00, err, ratio);
    bank.observe(w.base + 1, w.w01, err, ratio);
    bank.observe(w.base + L, w.w10, err, ratio);
    bank.observe(w.base + L + 1, w.w11, err, ratio);
    bank.fit(w.base, w.w00, w.w01, w.w10, w.w11, tableVe * ratio);
  }

  /** The grid per bank (arrays owned by the analysis, rewritten by the next call after a change). */
  results(): readonly BankResult[] {
    if (this.#resultVersion === this.#version) return this.#results;
    this.#resultVersion = this.#version;
    for (let b = 0; b < this.banks; b++) this.#fillResult(b);
    return this.#results;
  }

  #fillResult(b: number): void {
    const st = this.settings;
    const bank = this.#bank[b];
    const out = this.#results[b];
    const bilinear = st.weighting === 'bilinear';
    const table = this.veTables[b];
    if (bilinear) this.#fitIterations = solveVeFit(bank, table, st.priorWeight, this.#fit[b], this.#scratch);
    const lim = st.maxCorrectionPct / 100;
    for (let k = 0; k < this.cells; k++) {
      const W = bank.weight[k];
      out.hits[k] = bank.hits[k];
      out.weight[k] = W;
      out.afrErrorMean[k] = W > 0 ? bank.errMean[k] : Number.NaN;
      out.afrErrorStd[k] = W > 0 ? Math.sqrt(bank.errM2[k] / W) : Number.NaN;
      out.clamped[k] = 0;
      if (!(W >= st.minHits)) {
        out.suggestedVe[k] = Number.NaN;
        out.changePct[k] = Number.NaN;
        continue;
      }
      const raw = bilinear ? this.#fit[b][k] / table[k] : bank.ratioSum[k] / W;
      const ratio = Math.min(1 + lim, Math.max(1 - lim, raw));
      if (ratio !== raw) out.clamped[k] = 1;
      out.suggestedVe[k] = table[k] * ratio;
      out.changePct[k] = (ratio - 1) * 100;
    }
  }
}
