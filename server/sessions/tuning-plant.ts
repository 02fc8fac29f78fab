import type { EngineProfileId } from '../engine/types.js';
import type { GridTable } from '../tuning/ve-grid.js';

/** One sample taken while the engine is under load in a pull. `rpm` is engine rpm (not yet scaled to the grid). */
export interface PullSample {
  rpm: number;
  mapKpa: number;
  afrFront: number;
  afrRear: number;
  hp: number;
  tq: number;
}

/**
 * What a tuning session drives: an engine on a dyno with a virtual ECU fuelling from the given VE tables.
 * `pull(tps)` runs one pull at that throttle and yields its samples in small chunks; between chunks the session
 * may yield to the event loop or stop, so a chunk must stay cheap (well under a millisecond of CPU).
 */
export interface TuningPlant {
  pull(tps: number): Iterable<readonly PullSample[]>;
}

export interface PlantInput {
  profile: EngineProfileId;
  seed: number;
  barometricPressureInHg: number;
  ambientTempF: number;
  veFront: GridTable;
  veRear: GridTable;
  afrTarget: GridTable;
}

/** A new plant per iteration, fuelling from that iteration's tables (as the older system built a new ECU each time). */
export type PlantFactory = (input: PlantInput) => TuningPlant;
