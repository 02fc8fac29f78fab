import { binSample, type CellBins, createCellBins } from '../tuning/cell-bins.js';
import type { GridTable } from '../tuning/ve-grid.js';
import { CHUNK_BOUNDARY, type TuneStep } from './chunk-boundary.js';
import type { TuningPlant } from './tuning-plant.js';

/** Progress of an iteration while its pulls run: from PULLS_START_PCT, spread over PULLS_SPAN_PCT. */
const PULLS_START_PCT = 5;
const PULLS_SPAN_PCT = 65;

export interface PullTotals {
  bins: CellBins;
  peakHp: number;
  peakTq: number;
}

/**
 * One iteration's pulls, one per throttle step: progress events and a chunk boundary after every chunk of samples;
 * returns the samples binned onto the grid (engine rpm scaled by `gridRpmScale`) and the peaks seen.
 */
export function* pullIteration(
  plant: TuningPlant,
  iteration: number,
  tpsSteps: readonly number[],
  gridRpmScale: number,
  afrTarget: GridTable,
): Generator<TuneStep, PullTotals> {
  const bins = createCellBins();
  let peakHp = 0;
  let peakTq = 0;
  for (let k = 0; k < tpsSteps.length; k++) {
    const pct = Math.round(PULLS_START_PCT + (PULLS_SPAN_PCT * k) / tpsSteps.length);
    const message = `Pull ${k + 1}/${tpsSteps.length} at ${tpsSteps[k]}% TPS`;
    yield { type: 'progress', iteration, pct, message };
    for (const chunk of plant.pull(tpsSteps[k])) {
      for (const s of chunk) {
        binSample(bins, afrTarget, {
          rpm: s.rpm / gridRpmScale,
          map: s.mapKpa,
          afrFront: s.afrFront,
          afrRear: s.afrRear,
        });
        if (s.hp > peakHp) peakHp = s.hp;
        if (s.tq > peakTq) peakTq = s.tq;
      }
      yield CHUNK_BOUNDARY;
    }
  }
  return { bins, peakHp, peakTq };
}
