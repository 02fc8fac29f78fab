import type { CellMaps } from '@jetdrive-hub/client/contract';

// The VE correction a session has applied so far, per cell: the sum over its iterations of each iteration's
// correction (mean of front and rear). The last iteration alone is all zeros once a session converges, which reads
// as "nothing was done"; the sum shows what tuning changed.

export type CorrectionGrid = (number | null)[][];

function cylinderMean(front: number | null | undefined, rear: number | null | undefined): number | null {
  const f = typeof front === 'number' && Number.isFinite(front) ? front : null;
  const r = typeof rear === 'number' && Number.isFinite(rear) ? rear : null;
  if (f === null) return r;
  if (r === null) return f;
  return (f + r) / 2;
}

/**
 * Sums the per-iteration corrections (by iteration number, so an iteration delivered twice counts once).
 * A cell no iteration corrected stays null.
 */
export function cumulativeCorrection(byIteration: ReadonlyMap<number, CellMaps>): CorrectionGrid | null {
  let total: CorrectionGrid | null = null;
  for (const maps of byIteration.values()) {
    const { front, rear } = maps.ve_correction_pct;
    const grid: CorrectionGrid = total ?? front.map((row) => row.map(() => null));
    front.forEach((row, r) => {
      row.forEach((v, m) => {
        const add = cylinderMean(v, rear[r]?.[m]);
        if (add === null || grid[r] === undefined || m >= grid[r].length) return;
        grid[r][m] = (grid[r][m] ?? 0) + add;
      });
    });
    total = grid;
  }
  return total;
}
