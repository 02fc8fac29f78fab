import { cellIndex, MAP_AXIS, RPM_AXIS } from './ve-grid.js';

const RPM_STEP = RPM_AXIS[1] - RPM_AXIS[0];
const MAP_STEP = MAP_AXIS[1] - MAP_AXIS[0];

/**
 * The cell whose node is nearest to (rpm, map), or -1 when the point lies more than half a step outside the grid.
 * Ties (exactly half-way) go to the higher node, like the older workflow's "snap when the fraction is ≥ 0.5".
 *
 * Why nearest and not distance-weighted: the ECU reads the table bilinearly, so the nearest node always carries the
 * largest weight (≥ 0.25) in the fuel a sample received. Keeping each sample in that one cell makes `hits` a count of
 * real samples (the ≥ 3 rule means what it says) and keeps a correction from being smeared into cells that barely
 * fuelled the sample. The update is still a contraction on the bilinear table: each node's correction is dominated by
 * its own error (≈ ¾ weight, the neighbours share the rest), so the loop converges in a few iterations.
 */
export function nearestCell(rpm: number, map: number): number {
  const r = Math.floor((rpm - RPM_AXIS[0]) / RPM_STEP + 0.5);
  const m = Math.floor((map - MAP_AXIS[0]) / MAP_STEP + 0.5);
  if (!(r >= 0 && r < RPM_AXIS.length && m >= 0 && m < MAP_AXIS.length)) return -1;
  return cellIndex(r, m);
}
