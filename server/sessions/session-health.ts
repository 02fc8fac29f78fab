import { createDynoSim } from '../engine/dyno-sim.js';
import { createVirtualEcu } from '../engine/virtual-ecu.js';
import { afrErrorMetrics } from '../tuning/afr-error-metrics.js';
import { binSample, createCellBins } from '../tuning/cell-bins.js';
import { DEFAULT_TUNING_OPTIONS } from '../tuning/tuning-options.js';
import { createAfrTargetTable, createBaselineVeTable } from '../tuning/ve-grid.js';

export interface SessionHealth {
  healthy: boolean;
  components: { orchestrator: string; dyno_simulator: string; virtual_ecu: string; afr_analysis: string };
  timestamp: string;
}

const check = (fn: () => void): string => {
  try {
    fn();
    return 'ok';
  } catch (err) {
    return `error: ${err instanceof Error ? err.message : String(err)}`;
  }
};

/**
 * GET /api/virtual-tune/health in the older shape. Each component is exercised, not assumed: a perfectly tuned
 * virtual ECU must read its own target, the dyno model must step, and the AFR analysis must see zero error on
 * on-target samples. Costs well under a millisecond.
 */
export function sessionHealth(registryOk: () => boolean, now: number): SessionHealth {
  const target = createAfrTargetTable();
  const baseline = createBaselineVeTable();
  const components = {
    orchestrator: registryOk() ? 'ok' : 'error: registry shut down',
    dyno_simulator: check(() => {
      const f = createDynoSim({ profile: 'm8_114', seed: 1 }).step(0.02);
      if (!(f.rpm > 0)) throw new Error(`rpm ${f.rpm} after one step`);
    }),
    virtual_ecu: check(() => {
      const ecu = createVirtualEcu({ veFront: baseline, veRear: baseline, afrTarget: target });
      const afr = ecu.mixtureAfr('front', 3000, 60);
      if (Math.abs(afr - ecu.targetAfr(3000, 60)) > 1e-9) throw new Error(`tuned ECU reads ${afr}, not its target`);
    }),
    afr_analysis: check(() => {
      const bins = createCellBins();
      for (let i = 0; i < 3; i++) binSample(bins, target, { rpm: 3000, map: 60, afrFront: 13.25, afrRear: 13.25 });
      const m = afrErrorMetrics(bins, DEFAULT_TUNING_OPTIONS);
      if (!(m.cellsJudged === 1 && m.maxAfrError < 1e-9))
        throw new Error(`on-target samples gave error ${m.maxAfrError}`);
    }),
  };
  return {
    healthy: Object.values(components).every((c) => c === 'ok'),
    components,
    timestamp: new Date(now).toISOString(),
  };
}
