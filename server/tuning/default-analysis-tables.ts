import type { AnalysisAxes } from './analysis-axes.js';
import { AFR_CRUISE, AFR_WOT, createBaselineVeTable, lookupGrid, MAP_AXIS, RPM_AXIS } from './ve-grid.js';

// The tables a live analysis uses when the tuner uploads none: the ECU grid and the baseline VE of the simulator and
// the older system, and their one AFR target (14.0 at cruise to 12.5 at WOT, rpm-independent).

export type LoadKind = 'map' | 'tps';

/** Throttle breakpoints of the default TPS-load grid, %. */
export const TPS_AXIS: readonly number[] = Object.freeze([0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100]);

/** MAP (kPa) the default grid reads a throttle opening as: closed at the MAP axis' first row, WOT at its last. */
function mapOfLoad(kind: LoadKind, load: number): number {
  if (kind === 'map') return load;
  const lo = MAP_AXIS[0];
  const hi = MAP_AXIS[MAP_AXIS.length - 1];
  return lo + ((hi - lo) * load) / 100;
}

export function defaultAxes(kind: LoadKind): AnalysisAxes {
  return { rpm: RPM_AXIS, load: kind === 'map' ? MAP_AXIS : TPS_AXIS };
}

/** The target AFR at a load: 14.0 at cruise (20 kPa, closed throttle) to 12.5 at WOT (100 kPa, 100 %). */
export function defaultTargetAfr(kind: LoadKind, load: number): number {
  const f = Math.min(1, Math.max(0, (mapOfLoad(kind, load) - 20) / 80));
  return AFR_CRUISE + (AFR_WOT - AFR_CRUISE) * f;
}

/** The default target table on any axes (rpm-independent, like createAfrTargetTable on the ECU grid). */
export function defaultAfrTargetTable(axes: AnalysisAxes, kind: LoadKind): Float64Array {
  const out = new Float64Array(axes.rpm.length * axes.load.length);
  for (let r = 0; r < axes.rpm.length; r++) {
    for (let l = 0; l < axes.load.length; l++) out[r * axes.load.length + l] = defaultTargetAfr(kind, axes.load[l]);
  }
  return out;
}

/** The default VE table on the default axes: the baseline table (for TPS load, read at the MAP each opening stands for). */
export function defaultVeTable(kind: LoadKind): Float64Array {
  const baseline = createBaselineVeTable();
  if (kind === 'map') return baseline;
  const out = new Float64Array(RPM_AXIS.length * TPS_AXIS.length);
  for (let r = 0; r < RPM_AXIS.length; r++) {
    for (let l = 0; l < TPS_AXIS.length; l++) {
      out[r * TPS_AXIS.length + l] = lookupGrid(baseline, RPM_AXIS[r], mapOfLoad(kind, TPS_AXIS[l]));
    }
  }
  return out;
}
