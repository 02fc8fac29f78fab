import type { AnalysisBankCells, AnalysisDelta, AnalysisGrid } from '@jetdrive-hub/client/contract';
import type { BankResult } from '../tuning/index.js';
import type { LiveAnalysis } from './live-analysis.js';

// The grid as viewers see it (rounded to what a screen shows, so noise in the last digits is not a change), and the
// deltas between two pushes: only the cells whose shown values changed. One publisher per watched analysis; every
// viewer of it gets the same delta.

const round = (v: number, digits: number): number | null => {
  if (!Number.isFinite(v)) return null;
  const f = 10 ** digits;
  return Math.round(v * f) / f;
};

function bankCells(r: BankResult, cells: number): AnalysisBankCells {
  const out: AnalysisBankCells = {
    hits: [],
    weight: [],
    afrError: [],
    afrErrorStd: [],
    suggestedVe: [],
    changePct: [],
  };
  for (let k = 0; k < cells; k++) {
    out.hits.push(r.hits[k]);
    out.weight.push(round(r.weight[k], 2) ?? 0);
    out.afrError.push(round(r.afrErrorMean[k], 3));
    out.afrErrorStd.push(round(r.afrErrorStd[k], 3));
    out.suggestedVe.push(round(r.suggestedVe[k], 4));
    out.changePct.push(round(r.changePct[k], 2));
  }
  return out;
}

function emptyCells(): AnalysisBankCells {
  return { hits: [], weight: [], afrError: [], afrErrorStd: [], suggestedVe: [], changePct: [] };
}

function cellChanged(a: AnalysisBankCells, b: AnalysisBankCells, k: number): boolean {
  return (
    a.hits[k] !== b.hits[k] ||
    a.weight[k] !== b.weight[k] ||
    a.afrError[k] !== b.afrError[k] ||
    a.afrErrorStd[k] !== b.afrErrorStd[k] ||
    a.suggestedVe[k] !== b.suggestedVe[k] ||
    a.changePct[k] !== b.changePct[k]
  );
}

function copyCell(from: AnalysisBankCells, k: number, to: AnalysisBankCells): void {
  to.hits.push(from.hits[k]);
  to.weight.push(from.weight[k]);
  to.afrError.push(from.afrError[k]);
  to.afrErrorStd.push(from.afrErrorStd[k]);
  to.suggestedVe.push(from.suggestedVe[k]);
  to.changePct.push(from.changePct[k]);
}

/** The whole grid of an analysis now (seq as given). */
export function analysisGridOf(a: LiveAnalysis, seq: number): AnalysisGrid {
  const results = a.core.results();
  const cells = a.core.cells;
  return {
    id: a.id,
    seq,
    status: a.status,
    load: a.load,
    rpmAxis: [...a.tables.axes.rpm],
    loadAxis: [...a.tables.axes.load],
    veTable: Array.from(a.core.veTables[0]),
    veTables: a.core.veTables.map((t) => Array.from(t)),
    afrTarget: Array.from(a.tables.afrTarget, (v) => round(v, 3) ?? v),
    minHits: a.settings.minHits,
    bankNames: a.channels.banks.map((b) => b.name),
    banks: results.map((r) => bankCells(r, cells)),
    counts: a.core.counts(),
    operatingPoint: roundedPoint(a),
  };
}

function roundedPoint(a: LiveAnalysis): { rpm: number; load: number } | null {
  const p = a.core.operatingPoint;
  return p === null ? null : { rpm: Math.round(p.rpm), load: round(p.load, 1) ?? 0 };
}

/** What was last pushed for one analysis; next() gives the delta since then, or null when nothing shown changed. */
export class GridPublisher {
  readonly #analysis: LiveAnalysis;
  #base: AnalysisGrid;
  #version: number;

  constructor(analysis: LiveAnalysis) {
    this.#analysis = analysis;
    this.#version = analysis.core.version;
    this.#base = analysisGridOf(analysis, 0);
  }

  /** The grid as of the last push: what a new viewer gets, so the next delta applies to it exactly. */
  get grid(): AnalysisGrid {
    return this.#base;
  }

  /** Starts over from the current grid (after a reset): the returned grid replaces every viewer's. */
  rebase(): AnalysisGrid {
    this.#version = this.#analysis.core.version;
    this.#base = analysisGridOf(this.#analysis, this.#base.seq + 1);
    return this.#base;
  }

  next(): AnalysisDelta | null {
    const a = this.#analysis;
    const base = this.#base;
    const point = roundedPoint(a);
    const moved = point?.rpm !== base.operatingPoint?.rpm || point?.load !== base.operatingPoint?.load;
    if (a.core.version === this.#version && !moved && a.status === base.status) return null;
    this.#version = a.core.version;
    const now = analysisGridOf(a, base.seq + 1);
    const cells: number[] = [];
    for (let k = 0; k < a.core.cells; k++) {
      if (now.banks.some((bank, b) => cellChanged(bank, base.banks[b], k))) cells.push(k);
    }
    const banks = now.banks.map((bank) => {
      const out = emptyCells();
      for (const k of cells) copyCell(bank, k, out);
      return out;
    });
    this.#base = now;
    return {
      id: a.id,
      seq: now.seq,
      status: now.status,
      cells,
      banks,
      counts: now.counts,
      operatingPoint: now.operatingPoint,
    };
  }
}
