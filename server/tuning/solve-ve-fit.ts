import type { BankCells } from './bank-cells.js';

/** Conjugate-gradient iterations per solve at most (warm-started from the previous solution, so few are needed). */
export const MAX_FIT_ITERATIONS = 200;

export interface FitScratch {
  r: Float64Array;
  p: Float64Array;
  ap: Float64Array;
}

export function createFitScratch(cells: number): FitScratch {
  return { r: new Float64Array(cells), p: new Float64Array(cells), ap: new Float64Array(cells) };
}

/**
 * The table v minimising Σ (bilinear read of v at each sample − y)² + λ Σ (v − prior)²: the VE table whose ECU
 * reading best explains every sample, held to the current table where data is thin. Solved in place in `v` (its
 * content is the warm start) by conjugate gradients on the normal equations, which are symmetric positive definite
 * for λ > 0. Returns the iterations used.
 */
export function solveVeFit(
  bank: BankCells,
  prior: ArrayLike<number>,
  lambda: number,
  v: Float64Array,
  s: FitScratch,
): number {
  const n = bank.cells;
  const { r, p, ap } = s;
  bank.multiply(v, lambda, ap);
  let rr = 0;
  let bb = 0;
  for (let k = 0; k < n; k++) {
    const b = bank.rhs[k] + lambda * prior[k];
    r[k] = b - ap[k];
    p[k] = r[k];
    rr += r[k] * r[k];
    bb += b * b;
  }
  const tol = 1e-16 * Math.max(bb, 1e-300);
  let it = 0;
  for (; it < MAX_FIT_ITERATIONS && rr > tol; it++) {
    bank.multiply(p, lambda, ap);
    let pap = 0;
    for (let k = 0; k < n; k++) pap += p[k] * ap[k];
    if (!(pap > 0)) break;
    const alpha = rr / pap;
    let next = 0;
    for (let k = 0; k < n; k++) {
      v[k] += alpha * p[k];
      r[k] -= alpha * ap[k];
      next += r[k] * r[k];
    }
    const beta = next / rr;
    rr = next;
    for (let k = 0; k < n; k++) p[k] = r[k] + beta * p[k];
  }
  return it;
}
